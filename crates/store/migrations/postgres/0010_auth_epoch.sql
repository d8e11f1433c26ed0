-- The credentials epoch (PostgreSQL): a counter bumped by triggers whenever a
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

CREATE FUNCTION auth_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER api_tokens_epoch AFTER UPDATE OF revoked_at OR DELETE ON api_tokens
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER users_access_epoch AFTER UPDATE OF active ON users
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER grants_epoch AFTER INSERT OR UPDATE OR DELETE ON grants
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
