-- One account per e-mail address and per phone number (stored normalised by
-- features/accounts.c: e-mail lowercased, phone as 0xxxxxxxxx), which also makes
-- logging in by either an index lookup. NULLs (not given) do not collide.
CREATE UNIQUE INDEX accounts_email ON accounts (email);
CREATE UNIQUE INDEX accounts_phone ON accounts (phone);
