// JavaScript (CommonJS, wasm-pack --target nodejs style): the same rule, and fixes that create a .cjs classifier.
'use strict';
const { parse, Parser } = require('../pkg/fixture_case.js');

// ### require()d function in a request handler
function handle(req, res) {
  try {
    res.end(parse(req.body));
  } catch (err) {
//  ^^^^^ catch-swallows-wasm-failure [fix]
    res.statusCode = 400;
    res.end(String(err));
  }
}
module.exports = { handle };

// ### instance method inside a worker-style message handler
const parser = new Parser('');
process.on('message', (msg) => {
  try {
    process.send({ tokens: parser.feed(msg) });
  } catch {}
//  ^^^^^ catch-swallows-wasm-failure [fix]
});

// ### valid: the worker exits on failure
process.on('message', (msg) => {
  try {
    process.send({ out: parse(msg) });
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
});
