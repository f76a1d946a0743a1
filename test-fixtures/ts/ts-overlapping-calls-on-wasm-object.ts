// Fixture for ts-overlapping-calls-on-wasm-object (TR2). The Rust side is test-fixtures/ts/_support/src/lib.rs:
// `Client::connect(url)` (static async), `sync(&mut self)` and `sync_state(&mut self)` (async),
// `fetch_height(&self)` and `get_accounts(&self)` (async), `url(&self)`, `set_url(&mut self)`.
import { Client } from '../pkg/fixture_case.js';

declare function delay(ms: number): Promise<void>;
declare function show(value: unknown): void;

// ### Promise.all over an async `&mut self` method and another async method of the same object
export async function dashboard(client: Client): Promise<void> {
  const [state, accounts] = await Promise.all([client.syncState(), client.getAccounts()]);
//                                                                 ^^^^^^^^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object: `Promise.all` runs `client.syncState()` and `client.getAccounts()` at the same time: `syncState` is `async fn sync_state(&mut self)` in src/lib.rs:159, which holds `client` exclusively until its promise settles, so `client.getAccounts()` fails with "recursive use of an object detected which would lead to unsafe aliasing in rust" inside its Rust future, which in a panic=abort build is an uncaught error and a promise that never settles [fix]
  show([state, accounts]);
}

// ### the promises collected in a const array first, then combined (no fix: the calls start at the array)
export async function dashboardLater(client: Client): Promise<void> {
  const pending = [client.syncState(), client.getAccounts()];
//                                     ^^^^^^^^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object
  show(await Promise.all(pending));
}

// ### `using` disposes the object while the returned call is pending
export async function height(url: string): Promise<number> {
  using c = await Client.connect(url);
  return c.fetchHeight();
//       ^^^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object [fix]
}

// ### a `finally` frees the object while the returned call is pending
export async function accountsOf(url: string): Promise<unknown> {
  const c = await Client.connect(url);
  try {
    return c.getAccounts();
//         ^^^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object [fix]
  } finally {
    c.free();
  }
}

// ### a call after an await while an un-awaited `&mut self` call is pending, in a panic=unwind build
// @build-mode: unwind
export async function switchNode(client: Client, url: string): Promise<void> {
  client.sync();
  await delay(100);
  client.setUrl(url);
//^^^^^^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object [fix]
}

// ### free() in the same tick as an un-awaited async call
export function close(client: Client): void {
  client.fetchHeight().then(show);
  client.free();
//^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object
}

// ### a pending promise kept in a variable while another async call starts
export async function refresh(client: Client): Promise<unknown> {
  const pending = client.sync();
  const accounts = await client.getAccounts();
//                       ^^^^^^^^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object
  await pending;
  return accounts;
}

// ### Promise.all over the same `&mut self` call once per element
export async function syncAll(client: Client, rounds: number[]): Promise<void> {
  await Promise.all(rounds.map(() => client.sync()));
//                                   ^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object
}

// ### an un-awaited `&mut self` call in a loop overlaps the next iteration
export function rotate(client: Client, peers: string[]): void {
  for (const peer of peers) {
    client.sync();
//  ^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object
    show(peer);
  }
}

// ### a call raced against a timeout is still pending when the timeout wins
export async function syncWithTimeout(client: Client, url: string): Promise<void> {
  await Promise.race([client.sync(), delay(1000)]);
  client.setUrl(url);
//^^^^^^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object: `client.setUrl(…)` runs after an `await` while `client.sync()` (raced against other promises) may still be pending: `sync` is `async fn sync(&mut self)` in src/lib.rs:151, which holds `client` exclusively until its promise settles, so `client.setUrl(…)` throws `Error` "recursive use of an object detected which would lead to unsafe aliasing in rust"
}

// ### a pending promise kept in a variable and only raced, then free()
export async function closeAfterTimeout(client: Client): Promise<void> {
  const pending = client.syncState();
  await Promise.any([pending, delay(50)]);
  client.free();
//^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object
}

// ### without the Rust declarations two async calls on one object are a warning
// @file: src/lib.rs
// | // the Rust sources are not part of this case
export async function overview(client: Client): Promise<unknown[]> {
  return Promise.all([client.fetchHeight(), client.getAccounts()]);
//                                          ^^^^^^^^^^^^^^^^^^^^ ts-overlapping-calls-on-wasm-object
}

// ### not reported: two async `&self` methods may overlap
export async function overviewShared(client: Client): Promise<unknown[]> {
  return Promise.all([client.fetchHeight(), client.getAccounts()]);
}

// ### not reported: a `&mut self` method that returns a `js_sys::Promise` borrows only while it runs
export async function balances(client: Client): Promise<unknown[]> {
  return Promise.all([client.queryBalance('alice'), client.queryBalance('bob')]);
}

// ### not reported: sequential awaits
export async function dashboardSequential(client: Client): Promise<void> {
  const state = await client.syncState();
  const accounts = await client.getAccounts();
  show([state, accounts]);
}

// ### not reported: different objects
export async function syncBoth(a: Client, b: Client, clients: Client[]): Promise<void> {
  await Promise.all([a.sync(), b.sync()]);
  await Promise.all(clients.map((c: Client) => c.sync()));
}

// ### not reported: the pending promise is awaited before the next use
export async function switchNodeLater(client: Client, url: string): Promise<void> {
  const pending = client.sync();
  await pending;
  client.setUrl(url);
}

// ### not reported: the raced promise is awaited itself before the next use, or the race is not awaited (same tick)
export async function syncThenSwitch(client: Client, url: string): Promise<void> {
  const pending = client.sync();
  await Promise.race([pending, delay(1000)]);
  await pending;
  client.setUrl(url);
}

export function kickWithTimeout(client: Client, url: string): void {
  Promise.race([client.sync(), delay(1000)]).catch(show);
  client.setUrl(url);
}

// ### not reported: a synchronous call right after the un-awaited call runs before it starts
export function kick(client: Client): string {
  client.sync().catch(show);
  return client.url();
}

// ### not reported: return await keeps the object alive until the call settled
export async function heightAwaited(url: string): Promise<number> {
  using c = await Client.connect(url);
  return await c.fetchHeight();
}

// ### not reported: broken code does not crash the rule
export async function broken(client: Client) {
  client.sync(;
  await Promise.all([client.sync(), 
}
