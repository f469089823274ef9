// A notice's form (provider/rules/notice.ts): a warning about a token starts with "warning: " in both
// doors, so the native door can send it to the engine as a warning.
import assert from "node:assert/strict";
import { noticeSeverity, tokenNotice } from "../../provider/rules/notice";

describe("notices about a token", () => {
    it("a warning keeps its word first, before the token's name", () => {
        const notice = tokenNotice("fixed", "warning: the token expired on 2020-01-01T00:00:00Z");
        assert.equal(
            notice,
            'warning: PersonalAccessToken "fixed": the token expired on 2020-01-01T00:00:00Z',
        );
        assert.deepEqual(noticeSeverity(notice), {
            warning: true,
            text: 'PersonalAccessToken "fixed": the token expired on 2020-01-01T00:00:00Z',
        });
    });

    it("anything else is information, shown as written", () => {
        const notice = tokenNotice("ci", "the token expires soon: it is rotated, the new token first");
        assert.equal(
            notice,
            'PersonalAccessToken "ci": the token expires soon: it is rotated, the new token first',
        );
        assert.deepEqual(noticeSeverity(notice), { warning: false, text: notice });
    });

    it("a name that holds the word does not make a warning", () => {
        const notice = tokenNotice("warning: x", "kept");
        assert.equal(noticeSeverity(notice).warning, false);
        assert.equal(noticeSeverity("a warning: later in the text").warning, false);
    });
});
