-- Headless Neovim (Debian 12's 0.7.2) as a second real LSP client of `wasm-safety lsp --stdio`:
-- diagnostics arrive with our codes, Neovim's own code-action flow applies a fix, the diagnostic clears.
-- env: WS_CLI=/abs/dist/cli.js  WS_FILE=/abs/file.rs  WS_ROOT=/abs/root  WS_CODE=rule-id
local cli = assert(os.getenv('WS_CLI'), 'WS_CLI')
local file = assert(os.getenv('WS_FILE'), 'WS_FILE')
local root = assert(os.getenv('WS_ROOT'), 'WS_ROOT')
local code = assert(os.getenv('WS_CODE'), 'WS_CODE')
local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
local uv = vim.uv or vim.loop
local t0 = uv.hrtime()
local function ms() return math.floor((uv.hrtime() - t0) / 1e6) end
local function say(s) io.stdout:write(s .. '\n'); io.stdout:flush() end
local function finish(status, msg)
  say(msg)
  vim.lsp.stop_client(get_clients())
  vim.wait(2000, function() return #get_clients() == 0 end, 50)
  vim.cmd((status == 0) and 'qall!' or ('cquit ' .. status))
end
local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ''
end
local function ours(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == code then table.insert(out, d) end
  end
  return out
end
local function shown(bufnr)
  local lines = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(lines, string.format('%d:%d [%s] %s', d.lnum + 1, d.col + 1, code_of(d), d.message))
  end
  return #lines > 0 and table.concat(lines, '\n  ') or '(no diagnostics)'
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
local v = vim.version()
say(string.format('nvim %d.%d.%d filetype=%s', v.major, v.minor, v.patch, vim.bo[bufnr].filetype))
local client_id = vim.lsp.start_client({ name = 'wasm-safety', cmd = { 'node', cli, 'lsp', '--stdio' }, root_dir = root })
if not client_id then return finish(2, 'FAIL: start_client returned nil') end
vim.lsp.buf_attach_client(bufnr, client_id)

if not vim.wait(30000, function() return #ours(bufnr) > 0 end, 20) then
  return finish(3, 'FAIL: expected a ' .. code .. ' diagnostic within 30 s; Neovim shows:\n  ' .. shown(bufnr))
end
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  say(string.format('DIAG %d:%d %s [%s] %s (after %d ms)', d.lnum + 1, d.col + 1, vim.diagnostic.severity[d.severity], code_of(d), d.message, ms()))
end

-- Neovim's own code-action flow; its vim.ui.select menu is answered with the first entry.
local d = ours(bufnr)[1]
vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
local before = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
local chosen = nil
vim.ui.select = function(items, opts, on_choice)
  for i, item in ipairs(items) do say('ACTION ' .. i .. ': ' .. opts.format_item(item)) end
  chosen = items[1]
  on_choice(items[1], 1)
end
vim.lsp.buf.code_action()
local function text() return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') end
if not vim.wait(15000, function() return text() ~= before end, 20) then
  return finish(4, 'FAIL: expected the code action to change the buffer; menu offered ' .. (chosen and 'an action' or 'nothing'))
end
say('APPLIED: the buffer changed')
if not vim.wait(15000, function() return #ours(bufnr) == 0 end, 20) then
  return finish(5, 'FAIL: expected the ' .. code .. ' diagnostic to clear after the fix; Neovim shows:\n  ' .. shown(bufnr))
end
say('CLEARED: no ' .. code .. ' diagnostic after the fix')
finish(0, 'NVIM PASS (' .. ms() .. ' ms)')
