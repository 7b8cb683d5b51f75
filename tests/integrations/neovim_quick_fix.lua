-- Drive Neovim's built-in LSP client headless against `mlflow-naming server`:
-- open a file, wait for diagnostics, ask for code actions, apply the quick fix, wait
-- for the diagnostics to clear, and write what happened as JSON to $MLN_OUT.
local result = {}
local function run()
  local file, server = os.getenv("MLN_FILE"), os.getenv("MLN_SERVER")
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local config = {
    name = "mlflow-naming",
    cmd = { server, "server" },
    root_dir = vim.fn.fnamemodify(file, ":h"),
    init_options = { debounce = 20 },
  }
  local client_id
  if vim.lsp.start then -- Neovim 0.8+: the set-up docs/integrations.md shows
    client_id = vim.lsp.start(config)
  else -- Neovim 0.7 (Debian 12): the same client, started and attached by hand
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, client_id)
  end
  result.started_with = vim.lsp.start and "vim.lsp.start" or "vim.lsp.start_client"
  if not vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
    error("no diagnostics")
  end
  local d = vim.diagnostic.get(buf)[1]
  result.diagnostic = { code = d.code, lnum = d.lnum, col = d.col, end_col = d.end_col, source = d.source }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.lnum, character = d.col } },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 30000)
  local client = vim.lsp.get_client_by_id(client_id)
  local chosen
  result.titles = {}
  for _, response in pairs(responses or {}) do
    for _, action in ipairs(response.result or {}) do
      table.insert(result.titles, action.title)
      if action.title:find("^Name the run") then chosen = action end
    end
  end
  if not chosen then error("no quick fix offered") end
  if not chosen.edit then
    chosen = client.request_sync("codeAction/resolve", chosen, 30000, buf).result
  end
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")
  result.cleared = vim.wait(30000, function() return #vim.diagnostic.get(buf) == 0 end, 20)
  result.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  vim.lsp.stop_client(client_id)
end
local ok, err = pcall(run)
result.ok, result.error = ok, err and tostring(err) or nil
local handle = io.open(os.getenv("MLN_OUT"), "w")
handle:write(vim.fn.json_encode(result))
handle:close()
vim.cmd("qa!")
