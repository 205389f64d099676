-- API tokens for integrations (issue 4): shown once at creation, stored as their
-- BLAKE2b-256 hash (hex), tied to an account and optional scopes.
CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	token_hash TEXT NOT NULL UNIQUE,
	scopes TEXT NOT NULL DEFAULT '',    -- space-separated; '' = the account's own rights
	created_at BIGINT NOT NULL,         -- seconds since the epoch
	revoked_at BIGINT
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);
