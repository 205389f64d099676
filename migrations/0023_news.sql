-- The news portal (issue 8 §1): categories (chuyên mục) as a tree and articles (tin bài) in
-- Markdown. An article belongs to a unit: its editors (news.edit) draft it and send it for
-- review, its leaders (news.publish) publish it. Status: 1 draft, 2 in review, 3 published,
-- 4 unpublished. A published article shows from published_at on (scheduled publishing).
CREATE TABLE news_categories (
	id BIGINT PRIMARY KEY,
	parent_id BIGINT REFERENCES news_categories (id),      -- NULL: a top-level category
	unit_id BIGINT NOT NULL REFERENCES units (id),          -- whose editors manage it
	slug TEXT NOT NULL UNIQUE,                              -- from the name, without tones
	name TEXT NOT NULL,
	position INTEGER NOT NULL DEFAULT 0,                    -- order among its siblings
	created_at BIGINT NOT NULL
);
CREATE TABLE news_articles (
	id BIGINT PRIMARY KEY,
	category_id BIGINT NOT NULL REFERENCES news_categories (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	slug TEXT NOT NULL UNIQUE,                              -- quan-thanh-xuan-day-manh-...
	title TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',                          -- Markdown (cmark-gfm, safe mode)
	author_unit TEXT NOT NULL DEFAULT '',                   -- "Phòng Văn hóa và Thông tin quận"
	image_sha TEXT NOT NULL DEFAULT '',                     -- an uploaded JPEG or PNG (files.h), '' none
	status INTEGER NOT NULL CHECK (status IN (1, 2, 3, 4)),
	featured INTEGER NOT NULL DEFAULT 0 CHECK (featured IN (0, 1)),
	published_at BIGINT NOT NULL DEFAULT 0,                 -- shown from then on; 0 never published
	views BIGINT NOT NULL DEFAULT 0,
	search_text TEXT NOT NULL DEFAULT '',                   -- title, summary and body folded (rules/fold.h)
	created_by BIGINT REFERENCES accounts (id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
-- the category pages and the home page: the newest published first
CREATE INDEX news_articles_category ON news_articles (category_id, status, published_at);
CREATE INDEX news_articles_published ON news_articles (status, published_at);
