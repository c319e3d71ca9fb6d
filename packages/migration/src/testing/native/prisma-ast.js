// Jest's module registry cannot require() ES modules (chevrotain, under prisma-ast) on Node 20;
// Node itself can (Node ≥ 20.19). Tests load prisma-ast through a native Node module, as production does.
const Module = require('node:module');
const host = new Module(__filename);
host.filename = __filename;
host.paths = Module._nodeModulePaths(__dirname);
module.exports = host.require('@mrleebo/prisma-ast');
