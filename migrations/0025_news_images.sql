-- The articles' images (issue 8 §1 "uploaded images"): JPEG, PNG or WebP files an editor uploads
-- for an article, kept by their content's SHA-256 in the data folder (features/files.h) and
-- served at /tin-tuc/anh/<sha>. One row per image of an article; never deleted (they stay with the
-- article's history). The article's main image is news_articles.image_sha, one of these.
-- Uploads and changes of the main image are also in the audit chain (news.image.upload,
-- news.image.main, news.image.detach).
CREATE TABLE news_images (
	id BIGINT PRIMARY KEY,                                      -- from the counter ('id', 'news_images')
	article_id BIGINT NOT NULL REFERENCES news_articles (id),
	sha TEXT NOT NULL,                                          -- 64 lowercase hex digits
	content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
	bytes BIGINT NOT NULL,
	width INTEGER NOT NULL DEFAULT 0,                           -- pixels, from the file's header; 0 unknown
	height INTEGER NOT NULL DEFAULT 0,
	alt TEXT NOT NULL,                                          -- the description (alt text), required
	uploaded_by BIGINT REFERENCES accounts (id),
	uploaded_at BIGINT NOT NULL,
	UNIQUE (article_id, sha)                                    -- the same file twice: one row
);
-- serving /tin-tuc/anh/<sha>: is it an article's image, of what type
CREATE INDEX news_images_sha ON news_images (sha);
