namespace Seer.Core.Errors;

/// <summary>Stable error codes. The CLI exits non-zero with them; the server maps them to HTTP statuses.</summary>
public static class ErrorCodes
{
    /// <summary>Input file or argument is malformed or out of range (HTTP 400, exit 2).</summary>
    public const string InvalidInput = "invalid_input";
    /// <summary>A named dataset, version, model or group does not exist (HTTP 404, exit 3).</summary>
    public const string NotFound = "not_found";
    /// <summary>The thing already exists or the state does not allow the operation (HTTP 409, exit 4).</summary>
    public const string Conflict = "conflict";
    /// <summary>Settings are invalid (exit 2).</summary>
    public const string InvalidOptions = "invalid_options";
    /// <summary>Something needed is not installed or cannot load (exit 5).</summary>
    public const string Unavailable = "unavailable";
    /// <summary>Authentication / authorisation (HTTP 401/403).</summary>
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    /// <summary>The input is over a size limit (a request body, an image's pixel count) (HTTP 413, exit 2).</summary>
    public const string TooLarge = "too_large";

    /// <summary>Process exit code for an error code.</summary>
    public static int ExitCode(string code) => code switch
    {
        InvalidInput or InvalidOptions or TooLarge => 2,
        NotFound => 3,
        Conflict => 4,
        Unavailable => 5,
        Unauthorized or Forbidden => 6,
        _ => 1,
    };
}
