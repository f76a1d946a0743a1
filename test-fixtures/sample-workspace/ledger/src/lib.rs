//! Account balances and a transfer journal for the page.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

#[derive(Default)]
struct Ledger {
    balances: Vec<u64>,
    journal: Vec<(u32, u32, u64)>,
}

thread_local! {
    static LEDGER: RefCell<Ledger> = RefCell::new(Ledger::default());
}

/// Opens an account and returns its id.
#[wasm_bindgen]
pub fn open_account(initial: u64) -> u32 {
    LEDGER.with_borrow_mut(|l| {
        let id = l.balances.len() as u32;
        l.balances.push(initial);
        id
    })
}

#[wasm_bindgen]
pub fn balance(account: u32) -> Option<u64> {
    LEDGER.with_borrow(|l| l.balances.get(account as usize).copied())
}

/// Moves `amount` from one account to another.
#[wasm_bindgen]
pub fn transfer(from: u32, to: u32, amount: u64) {
    LEDGER.with_borrow_mut(|l| {
        l.balances[from as usize] -= amount;
        l.balances[to as usize] += amount;
        l.journal.push((from, to, amount));
    });
}

/// Moves `amount` from one account to another; invalid transfers change nothing and return `Err`.
#[wasm_bindgen]
pub fn transfer_checked(from: u32, to: u32, amount: u64) -> Result<(), JsError> {
    LEDGER.with_borrow_mut(|l| {
        let (f, t) = (from as usize, to as usize);
        let n = l.balances.len();
        if f >= n || t >= n || l.balances[f] < amount {
            return Err(JsError::new("invalid transfer"));
        }
        l.balances[f] -= amount;
        l.balances[t] += amount;
        l.journal.push((from, to, amount));
        Ok(())
    })
}

#[wasm_bindgen]
pub fn journal_len() -> usize {
    LEDGER.with_borrow(|l| l.journal.len())
}
