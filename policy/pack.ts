// The ready-to-run pack: `pulumi preview --policy-pack node_modules/@isc-pat/pulumi-sailpoint-pat/policy`
// loads policy/package.json, whose main is this file's compiled form. PolicyPack serves the policies
// to the engine (and takes its version from that package.json).
import { PolicyPack } from "@pulumi/policy";
import { tokenHygienePolicies } from "./policies";

new PolicyPack("sailpoint-pat-hygiene", { policies: tokenHygienePolicies() });
