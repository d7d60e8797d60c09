namespace Seer.Data.Postgres;

/// <summary>
/// The workspace metadata's PostgreSQL schema (the SQLite schema of <c>SqliteMigrations</c> in PostgreSQL types),
/// recorded in its own ledger <c>metadata_migrations</c>. Append new steps; never edit one that has shipped.
/// </summary>
public static class PostgresMetadataMigrations
{
    public const string Ledger = "metadata_migrations";

    public static readonly IReadOnlyList<PostgresMigration> All =
    [
        new(1, "workspace, labels, datasets, versions, images, perceptual hashes", """
            CREATE TABLE workspace (
                singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
                id TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now());
            INSERT INTO workspace (id) VALUES (replace(gen_random_uuid()::text, '-', ''));
            CREATE TABLE labels (
                id BIGSERIAL PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at TIMESTAMPTZ NOT NULL);
            CREATE TABLE label_aliases (
                alias TEXT PRIMARY KEY,
                label_id BIGINT NOT NULL REFERENCES labels(id),
                created_at TIMESTAMPTZ NOT NULL);
            CREATE TABLE datasets (
                id BIGSERIAL PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                head_version TEXT,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL);
            CREATE TABLE versions (
                id TEXT PRIMARY KEY,
                seq BIGINT NOT NULL UNIQUE,
                dataset_id BIGINT NOT NULL REFERENCES datasets(id),
                operation TEXT NOT NULL,
                parameters_json TEXT NOT NULL,
                content_digest TEXT NOT NULL,
                classes_json TEXT NOT NULL,
                image_count INTEGER NOT NULL,
                labelled_count INTEGER NOT NULL,
                created_at TIMESTAMPTZ NOT NULL);
            CREATE INDEX versions_dataset ON versions(dataset_id, seq);
            CREATE TABLE version_parents (
                version_id TEXT NOT NULL REFERENCES versions(id),
                ord INTEGER NOT NULL,
                parent_id TEXT NOT NULL REFERENCES versions(id),
                PRIMARY KEY (version_id, ord));
            CREATE TABLE version_images (
                version_id TEXT NOT NULL REFERENCES versions(id),
                ord INTEGER NOT NULL,
                content_hash TEXT NOT NULL,
                file_name TEXT NOT NULL,
                width INTEGER NOT NULL,
                height INTEGER NOT NULL,
                labelled BOOLEAN NOT NULL,
                annotations_json TEXT NOT NULL,
                PRIMARY KEY (version_id, ord),
                UNIQUE (version_id, file_name));
            CREATE INDEX version_images_hash ON version_images(content_hash);
            CREATE TABLE image_phash (
                content_hash TEXT PRIMARY KEY,
                phash BIGINT NOT NULL);
            """),
    ];
}
