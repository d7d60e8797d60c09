// Imports every file of a folder into a workspace as unlabelled images, like `seer dataset import` does.
//   Seer.Data.ImportHost HOME FOLDER DATASET [PAUSE_AFTER]
// With PAUSE_AFTER, the source stops after that many items, prints "paused N" and waits for a line on stdin, so a
// test can kill the process in the middle of an import at a known point (blobs staged, no version written yet).
using Seer.Core.Interchange;
using Seer.Data;
using Seer.Data.Import;

string home = args[0], folder = args[1], dataset = args[2];
int pauseAfter = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : -1;

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
var result = await new ImportPipeline(workspace).RunAsync(new ImportRead(Items(), []),
    new ImportRequest(dataset) { Parallelism = 1 }, null, CancellationToken.None);
Console.WriteLine($"committed {result.Version} {result.Images}");
return 0;
