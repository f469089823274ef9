// The gRPC runtime and the generated protocol modules that ship with @pulumi/pulumi (a peer
// dependency): loaded from @pulumi/pulumi's own location, so that the service definitions, the
// messages and @grpc/grpc-js are the very instances that package was built and tested with.
import { createRequire } from "node:module";
import type * as GrpcJs from "@grpc/grpc-js";
import type * as ProviderGrpcPb from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb";
import type * as StatusPb from "@pulumi/pulumi/proto/status_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type * as AnyPb from "google-protobuf/google/protobuf/any_pb";

const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));

export const grpc = fromPulumi("@grpc/grpc-js") as typeof GrpcJs;
export const providerGrpc = fromPulumi("./proto/provider_grpc_pb") as typeof ProviderGrpcPb;
export const provider = fromPulumi("./proto/provider_pb") as typeof ProviderPb;
export const plugin = fromPulumi("./proto/plugin_pb") as typeof PluginPb;
export const status = fromPulumi("./proto/status_pb") as typeof StatusPb;
export const struct = fromPulumi("google-protobuf/google/protobuf/struct_pb") as typeof StructPb;
export const empty = fromPulumi("google-protobuf/google/protobuf/empty_pb") as typeof EmptyPb;
export const any = fromPulumi("google-protobuf/google/protobuf/any_pb") as typeof AnyPb;

export type { GrpcJs, ProviderPb, ProviderGrpcPb };
