// The gRPC runtime and the generated protocol modules that ship with @pulumi/pulumi (a peer
// dependency), imported by name so that the bundler (scripts/bundle-plugin.ts) puts them, and only
// them, into the plugin's one file: @grpc/grpc-js, the generated messages and their google-protobuf
// runtime. The engine speaks to the plugin in these messages; no .proto file is read at run time.
import * as grpc from "@grpc/grpc-js";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engine from "@pulumi/pulumi/proto/engine_pb";
import * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provider from "@pulumi/pulumi/proto/provider_pb";
import * as plugin from "@pulumi/pulumi/proto/plugin_pb";
import * as status from "@pulumi/pulumi/proto/status_pb";
import * as struct from "google-protobuf/google/protobuf/struct_pb";
import * as empty from "google-protobuf/google/protobuf/empty_pb";
import * as any from "google-protobuf/google/protobuf/any_pb";

export { any, empty, engine, engineGrpc, grpc, plugin, provider, providerGrpc, status, struct };
export type * as GrpcJs from "@grpc/grpc-js";
export type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
export type * as ProviderGrpcPb from "@pulumi/pulumi/proto/provider_grpc_pb";
