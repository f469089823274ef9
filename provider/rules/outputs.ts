// Between the API's token record and the resource's outputs and inputs. Outputs tell the truth of
// the API; where the API's value means the same as what the program declared (a reordered scope,
// another spelling of the same instant) the declared form is kept, so that no false change shows;
// every other date is written in the package's one spelling (writtenDate).
import type { CreateTokenRequest, TokenRecord } from "../../wire/api-types";
import { wireDate, writtenDate } from "./dates";
import { sameInstant, sameScope } from "./equality";
import { generationName, isNameOf, rotationDueAt, rotationExpiry } from "./rotation";
import { expirySourceOf, leanOutputs, versionOf } from "./stored";
import type { CheckedInputs, ExpirationDateSource, TokenOutputs } from "./types";
import { DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS, hasModernExpiry } from "./versions";

/**
 * The create request: exactly the declared fields, nothing the API would default anyway. A rotating
 * token gets its generation's name (from `now` and `disambiguator`, see rotation.ts) and expiry.
 */
export function createRequestFrom(
    inputs: CheckedInputs,
    now: Date,
    disambiguator: string,
): CreateTokenRequest {
    const { rotation, expirationDate } = inputs;
    const owner = expiryOwner(inputs);
    const body: CreateTokenRequest = {
        name: rotation ? generationName(inputs.name, now, disambiguator) : inputs.name,
    };
    if (owner === "rotation" && rotation) body.expirationDate = rotationExpiry(rotation, now);
    if (inputs.scope != null) body.scope = inputs.scope;
    if (inputs.accessTokenValiditySeconds != null)
        body.accessTokenValiditySeconds = inputs.accessTokenValiditySeconds;
    if (owner === "input" && expirationDate != null) body.expirationDate = wireDate(expirationDate);
    if (hasModernExpiry(inputs.apiVersion)) {
        if (inputs.userAwareTokenNeverExpires != null)
            body.userAwareTokenNeverExpires = inputs.userAwareTokenNeverExpires;
    }
    return body;
}

/**
 * The outputs for a record, given what was declared and the secret (from create or prior state), as
 * the state stores them: without what absent means anyway (./stored.ts).
 */
export function outputsFrom(record: TokenRecord, declared: CheckedInputs, secret: string): TokenOutputs {
    const version = declared.apiVersion;
    const outputs: TokenOutputs = {
        // The declared name while the API's is that name (plus a generation suffix), else the API's: drift.
        name: isNameOf(record.name, declared.name, declared.rotation) ? declared.name : record.name,
        scope:
            declared.scope != null && sameScope(record.scope, declared.scope) ? declared.scope : record.scope,
        expirationDate:
            declared.expirationDate != null && sameInstant(record.expirationDate, declared.expirationDate)
                ? declared.expirationDate
                : writtenDate(record.expirationDate),
        accessTokenValiditySeconds:
            record.accessTokenValiditySeconds ?? DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS,
        apiVersion: version,
        secret,
        owner: record.owner,
        created: writtenDate(record.created),
        lastUsed: writtenDate(record.lastUsed ?? null),
        managed: record.managed ?? false,
        expirationDateSource: expirySource(declared, record),
        secretKnown: secret !== "",
    };
    // Recorded only when declared; the adopted id only by adoption itself (provider/create/adopt.ts).
    if (declared.onNameConflict != null) outputs.onNameConflict = declared.onNameConflict;
    if (declared.replaceIfSecretUnknown != null)
        outputs.replaceIfSecretUnknown = declared.replaceIfSecretUnknown;
    // Rotation's outputs exist only with rotation (without it the API name is `name`): state stays small.
    if (declared.rotation) {
        outputs.rotation = declared.rotation;
        outputs.tokenName = record.name;
        outputs.rotationDueAt = rotationDueAt(declared.rotation, record.expirationDate);
    }
    const acknowledgment = record.userAwareTokenNeverExpires ?? declared.userAwareTokenNeverExpires;
    if (hasModernExpiry(version) && acknowledgment != null)
        outputs.userAwareTokenNeverExpires = acknowledgment;
    return leanOutputs(outputs);
}

/**
 * Who sets a token's expiry, when the program does: rotation wins over a declared expirationDate
 * (check refuses both together; this order holds wherever else they meet: create, the diff's plan,
 * the policy's maximumLifetime). A value not known yet counts as declared.
 */
export function expiryOwner(declared: {
    rotation?: unknown;
    expirationDate?: unknown;
}): "rotation" | "input" | undefined {
    if (declared.rotation != null) return "rotation";
    if (declared.expirationDate != null) return "input";
    return undefined;
}

function expirySource(declared: CheckedInputs, record: TokenRecord): ExpirationDateSource {
    const owner = expiryOwner(declared);
    if (owner) return owner;
    if (!hasModernExpiry(declared.apiVersion)) return "apiDefault";
    return record.expirationDate == null ? "neverExpires" : "input";
}

/**
 * The inputs that would produce these outputs: what refresh hands back to the engine, so that an
 * out-of-band change shows as drift on the next preview, and nothing else does.
 */
export function inputsFrom(outputs: TokenOutputs): CheckedInputs {
    const inputs: CheckedInputs = { name: outputs.name, apiVersion: versionOf(outputs) };
    if (outputs.rotation) inputs.rotation = outputs.rotation;
    if (outputs.onNameConflict != null) inputs.onNameConflict = outputs.onNameConflict;
    if (outputs.replaceIfSecretUnknown != null)
        inputs.replaceIfSecretUnknown = outputs.replaceIfSecretUnknown;
    if (outputs.scope != null) inputs.scope = outputs.scope;
    const source = expirySourceOf(outputs);
    if (source === "input" || (source === "neverExpires" && outputs.expirationDate != null)) {
        inputs.expirationDate = outputs.expirationDate;
    }
    if (outputs.userAwareTokenNeverExpires === true) inputs.userAwareTokenNeverExpires = true;
    if (
        outputs.accessTokenValiditySeconds != null &&
        outputs.accessTokenValiditySeconds !== DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS
    ) {
        inputs.accessTokenValiditySeconds = outputs.accessTokenValiditySeconds;
    }
    return inputs;
}
