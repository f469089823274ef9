// The path every stack's state names as its provider: the engine stores a bare require() of this
// module (see dynamic/serialized-provider.ts). It stays here, the same path in old and new states,
// while the module itself lives with the other doors.
export * from "./dynamic/serialized-provider";
