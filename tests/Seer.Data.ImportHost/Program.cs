// Imports every file of a folder into a workspace as unlabelled images, like `seer dataset import` does.
//   Seer.Data.ImportHost HOME FOLDER DATASET [PAUSE_AFTER | commit]
// With PAUSE_AFTER, the source stops after that many items, prints "paused N" and waits for a line on stdin, so a
// test can kill the process in the middle of an import at a known point (blobs staged, no version written yet).
// With "commit" (metadata in PostgreSQL, SEER_DB set), it stops inside the version's transaction after every row is
// written and before COMMIT, prints "in commit N" and waits: a test kills it there.
using Seer.Core.Interchange;
using Seer.Data;
using Seer.Data.Import;
using Seer.Data.Postgres;

string home = args[0], folder = args[1], dataset = args[2];
bool inCommit = args.Length > 3 && args[3] == "commit";
int pauseAfter = args.Length > 3 && !inCommit ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : -1;

IEnumerable<ImportItem> Items()
{
    int n = 0;
    foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
    {
        if (n++ == pauseAfter)
        {
            Console.WriteLine($"paused {pauseAfter}");
            Console.Out.Flush();
            Console.ReadLine();
        }
        yield return new ImportItem(Path.GetFileName(file), () => File.OpenRead(file), file);
    }
}

using var workspace = Workspace.Open(home);
if (inCommit)
{
    var store = (PostgresMetadataStore)workspace.Metadata;
    store.BeforeCommit = () =>
    {
        Console.WriteLine($"in commit {Directory.GetFiles(folder).Length}");
        Console.Out.Flush();
        Console.ReadLine();
    };
}
var result = await new ImportPipeline(workspace).RunAsync(new ImportRead(Items(), []),
    new ImportRequest(dataset) { Parallelism = 1 }, null, CancellationToken.None);
Console.WriteLine($"committed {result.Version} {result.Images}");
return 0;
