-- The credentials epoch (SQLite): a counter bumped by triggers whenever a
-- change could withdraw access granted to an API token — a token revoked or
-- deleted, a user disabled, a grant added, changed or removed — whoever makes
-- it (a server instance, the CLI, an SQL console). Servers keep recently
-- verified tokens in memory and drop them all when the epoch moves, so a
-- revocation takes effect on every instance within one poll. See
-- store::token::auth_epoch and web::cache.

CREATE TABLE auth_epoch (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER api_tokens_revoked_epoch AFTER UPDATE OF revoked_at ON api_tokens
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER api_tokens_deleted_epoch AFTER DELETE ON api_tokens
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER users_access_epoch AFTER UPDATE OF active ON users
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER grants_added_epoch AFTER INSERT ON grants
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER grants_changed_epoch AFTER UPDATE ON grants
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER grants_removed_epoch AFTER DELETE ON grants
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
