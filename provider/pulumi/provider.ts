/**
 * The dynamic provider object Pulumi serializes into state (as `__provider`) for every resource.
 * Each method is a two-line forwarder that `require`s the implementation by package name at
 * run time, for three reasons (docs/dynamic-provider.md):
 * - whatever a method captures is serialized: module-level values (clients, credentials) would
 *   land in state, and a captured local module would be serialized whole (tens of KB each);
 * - `destroy` runs the code stored in state (pulumi #6238): a forwarder stays valid across
 *   upgrades, the implementation it loads is the installed package's;
 * - the dynamic provider host resolves `require` from the program's directory, where users
 *   have this package in node_modules.
 * The module path is written out in each method because a serialized function may capture
 * nothing. The clock is read by the implementation (composition.ts builds it for each call, with
 * the test clock when that is in force); forwarders serialized by earlier versions pass
 * `new Date()`, which the implementation still takes.
 */
import type * as pulumi from '@pulumi/pulumi';

/* eslint-disable @typescript-eslint/no-require-imports -- run-time loading by package name is the point (see above). */
export const oauthTokenIssuerProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return require('sfb-oauth-cert/dist/provider/pulumi/handlers').check(olds, news);
  },
  async diff(_id, olds, news) {
    return require('sfb-oauth-cert/dist/provider/pulumi/handlers').diff(olds, news);
  },
  async create(inputs) {
    return require('sfb-oauth-cert/dist/provider/pulumi/handlers').create(inputs);
  },
  async update(id, olds, news) {
    return require('sfb-oauth-cert/dist/provider/pulumi/handlers').update(id, olds, news);
  },
  async read(id, props) {
    return require('sfb-oauth-cert/dist/provider/pulumi/handlers').read(id, props);
  },
  async delete(_id, props) {
    return require('sfb-oauth-cert/dist/provider/pulumi/handlers').remove(props);
  },
};
