using System.Text.Json;
using Seer.Core.Errors;

namespace Seer.Evaluation.Internal;

/// <summary>Opening JSON input files with errors that name the file and the position.</summary>
internal static class JsonFiles
{
    public static JsonDocument Parse(string path)
    {
        Core.Files.InputFiles.RequireRegular(path, "file");
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput,
                // The parser's own message quotes the offending character: not repeated, so an error never shows file contents.
                $"{path}: malformed JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}", path, ex);
        }
    }

    public static SeerException Bad(string path, string reason) => new(ErrorCodes.InvalidInput, $"{path}: {reason}", path);
}
