using System.CommandLine;
using System.Globalization;
using Seer.Data;
using Seer.Data.Migration;
using Seer.Data.Postgres;
using Seer.Data.Storage;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer admin migrate --to postgres://... [--blobs s3://...]</c>: copies the workspace in --home (SQLite metadata,
/// file blobs) into PostgreSQL and, with --blobs, every blob into that store, each blob's SHA-256 checked
/// (<see cref="WorkspaceMigration"/>), then the stores beside the metadata (browser index, projects, accounts, tokens,
/// settings: <see cref="Seer.Hosting.Storage.WorkspaceStoresMigration"/>), each table's rows counted on both sides.
/// Resumable: a second run copies nothing.
/// </summary>
public sealed class AdminCommands : ICommandFactory
{
    public Command Create()
    {
        var admin = new Command("admin", "Workspace administration");
        var migrate = new Command("migrate",
            "Copy the workspace in --home (SQLite + files) into PostgreSQL (--to) and its blobs into --blobs; run it again to resume");
        var to = new Option<string>("--to") { Description = "Target database: postgres://USER:PASS@HOST:PORT/DB", Required = true };
        migrate.Options.Add(to);
        CommandRunner.SetAction(migrate, async (parse, ct) =>
        {
            bool json = parse.GetValue(GlobalOptions.Json);
            string home = GlobalOptions.ResolveHome(parse);
            string target = parse.GetValue(to)!;
            PostgresDatabase.ToConnectionString(target, "--to"); // a bad URL is refused before anything opens
            // --blobs names the target here; the source is always the embedded workspace: seer.db and blobs/ in --home.
            var blobs = parse.GetValue(GlobalOptions.Blobs) is { Length: > 0 } b ? BlobStoreLocation.Parse(b, "--blobs") : null;
            if (!File.Exists(Path.Combine(home, "seer.db")))
                throw new Seer.Core.Errors.SeerException(Seer.Core.Errors.ErrorCodes.NotFound,
                    $"{home} holds no workspace (no seer.db); point --home at the workspace to migrate", home);
            using var source = Workspace.Open(home, null, null);
            using var metadata = new PostgresMetadataStore(new PostgresDatabase(target, "--to"), ownsDatabase: true);
            using var s3 = blobs is null ? null : new S3BlobStore(blobs);
            s3?.Probe();
            var report = await CliProgress.RunAsync(!json, "migrating",
                progress => WorkspaceMigration.RunAsync(source, metadata, s3, metadata.Display, progress, ct)).ConfigureAwait(false);
            var tables = Seer.Hosting.Storage.WorkspaceStoresMigration.Copy(home, metadata.Database);
            if (json)
            {
                Output.Json(new Dictionary<string, object?>
                {
                    ["workspace"] = report.WorkspaceId,
                    ["to"] = metadata.Display,
                    ["blobs_to"] = blobs is null ? null : parse.GetValue(GlobalOptions.Blobs),
                    ["datasets"] = report.Datasets,
                    ["versions"] = report.Versions,
                    ["versions_copied"] = report.VersionsCopied,
                    ["blobs"] = report.Blobs,
                    ["blobs_copied"] = report.BlobsCopied,
                    ["bytes_copied"] = report.BytesCopied,
                    ["tables"] = tables.ToDictionary(t => t.Table, t => new { source = t.SourceRows, copied = t.Copied, target = t.TargetRows }),
                });
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"migrated workspace {report.WorkspaceId} to {metadata.Display}: {report.Datasets} dataset(s), " +
                    $"{report.Versions} version(s) ({report.VersionsCopied} copied now)"));
                Console.WriteLine(report.BlobsMigrated
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"blobs: {report.Blobs} referred to, {report.BlobsCopied} copied now ({report.BytesCopied:N0} bytes), each SHA-256 checked")
                    : "blobs: not copied (no --blobs); they stay where the workspace keeps them");
                Console.WriteLine(tables.Count == 0 ? "other stores: nothing to copy" : "other stores (rows in the source, copied now, in the target): " +
                    string.Join(", ", tables.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Table} {t.SourceRows}/{t.Copied}/{t.TargetRows}"))));
                Console.WriteLine("use it with: SEER_DB=<the --to URL>" + (blobs is null ? "" : " SEER_BLOBS=<the --blobs URL>"));
            }
            return 0;
        });
        admin.Subcommands.Add(migrate);
        return admin;
    }
}
