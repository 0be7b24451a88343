#!/usr/bin/env node
// Links node_modules/sfb-oauth-cert to this checkout. The serialized dynamic provider loads its
// implementation with require('sfb-oauth-cert/...') from the program's directory, as it does in
// a user's project where the package is installed; this makes the repository's own examples and
// tests resolve it the same way. Run by `npm ci` (prepare).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const link = path.join(root, 'node_modules', 'sfb-oauth-cert');
fs.mkdirSync(path.dirname(link), { recursive: true });
try {
  if (fs.readlinkSync(link) === '..') process.exit(0);
  fs.rmSync(link, { recursive: true, force: true });
} catch {
  // absent: create it below
}
fs.symlinkSync('..', link, 'dir');
