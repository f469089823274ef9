// isc-pat audit --emit-import: the file `pulumi import --file` reads, and which provider it names.
import assert from "node:assert/strict";
import { importFile, stackProviders } from "../../provider/audit/import-file";
import type { TokenRecord } from "../../wire/api-types";

const token = (id: string, name: string) => ({ id, name }) as TokenRecord;
const AT = { baseUrl: "https://acme.api.identitynow.com", clientId: "prod-client" };
const DEFAULT = "urn:pulumi:dev::p::pulumi:providers:iscpat::default_0_1_0";
const PROD = "urn:pulumi:dev::p::pulumi:providers:iscpat::prod";

describe("the import file (isc-pat audit --emit-import)", () => {
    it("lists type, name and id; names no provider when the stack has one", () => {
        const { file } = importFile(
            [token("a1", "ci deploy"), token("b2", "ci-deploy")],
            [{ urn: DEFAULT, ...AT }],
            AT,
        );
        assert.deepEqual(file, {
            resources: [
                { type: "iscpat:index:PersonalAccessToken", name: "ci-deploy", id: "a1" },
                { type: "iscpat:index:PersonalAccessToken", name: "ci-deploy-2", id: "b2" },
            ],
        });
    });

    it("with several providers, names the one at the audited tenant and client (its URN in the name table)", () => {
        const exported = {
            deployment: {
                resources: [
                    {
                        type: "pulumi:providers:iscpat",
                        urn: DEFAULT,
                        inputs: { baseUrl: "https://sb.example.com" },
                    },
                    // Another spelling of the same tenant root, and a secret that is never read.
                    {
                        type: "pulumi:providers:iscpat",
                        urn: PROD,
                        inputs: { baseUrl: "https://ACME.api.identitynow.com/", clientId: "prod-client" },
                    },
                    { type: "iscpat:index:PersonalAccessToken", urn: "urn:x", inputs: {} },
                ],
            },
        };
        const made = importFile([token("a1", "reporting")], stackProviders(exported), AT);
        assert.deepEqual(made.file, {
            resources: [
                { type: "iscpat:index:PersonalAccessToken", name: "reporting", id: "a1", provider: "prod" },
            ],
            nameTable: { prod: PROD },
        });
        assert.equal(made.unmatched, false);
    });

    it("with several providers and none (or two) at the audited tenant and client, names none and says so", () => {
        const providers = [
            { urn: DEFAULT, baseUrl: "https://sb.example.com", clientId: "x" },
            { urn: PROD, baseUrl: AT.baseUrl, clientId: "other-client" },
        ];
        const made = importFile([token("a1", "reporting")], providers, AT);
        assert.equal(made.file.resources[0].provider, undefined);
        assert.equal(made.unmatched, true);
    });
});
