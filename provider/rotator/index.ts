// `@isc-pat/pulumi-sailpoint-pat/rotator`: the ESC rotator's request handler, to mount in a server of
// one's own (or a serverless function); `isc-pat rotator` serves it on its own.
export { rotatorHandler, MAX_BODY_BYTES, type RotatorHandler, type RotatorOptions } from "./handler";
export type { RotationAnswer, RotationRequest, GenerationRef } from "./request";
export { PULUMI_CLOUD_ISSUER, PULUMI_CLOUD_JWKS_URL } from "./verify";
