using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Seer.Core.Errors;
using Seer.Hosting;

namespace Seer.Server;

/// <summary>
/// Turns a SeerException — or a bad request body, or a library's bad-input exception (<see cref="LibraryErrors"/>) — into
/// RFC 7807 problem details: the code picks the status, the message names the cause (server paths hidden from members).
/// Anything else is a bug and stays a 500.
/// </summary>
public sealed class SeerExceptionHandler : IExceptionHandler
{
    private readonly IProblemDetailsService _problems;
    private readonly string _home;

    public SeerExceptionHandler(IProblemDetailsService problems, IOptions<HostingOptions> options)
    {
        _problems = problems;
        _home = options.Value.Home;
    }

    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        ErrorCodes.InvalidInput or ErrorCodes.InvalidOptions => StatusCodes.Status400BadRequest,
        ErrorCodes.Conflict => StatusCodes.Status409Conflict,
        ErrorCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCodes.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.TooLarge => StatusCodes.Status413PayloadTooLarge,
        "unsupported_media_type" => StatusCodes.Status415UnsupportedMediaType,
        _ => StatusCodes.Status500InternalServerError,
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // Bad request bodies are the client's error: malformed or mistyped JSON, a body of the wrong media type, an
        // oversized or undecodable (compressed) body. They answer 4xx with the reason, never 500.
        var seer = exception switch
        {
            SeerException s => s,
            BadHttpRequestException bad => new SeerException(bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ErrorCodes.TooLarge
                : bad.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "unsupported_media_type" : ErrorCodes.InvalidInput,
                bad.InnerException is System.Text.Json.JsonException inner ? $"malformed JSON body: {inner.Message}"
                : $"bad request body: {bad.InnerException?.Message ?? bad.Message}"),
            System.Text.Json.JsonException json => new SeerException(ErrorCodes.InvalidInput, $"malformed JSON body: {json.Message}"),
            // What a library found wrong with the input (format, file and parser errors): the one mapping the CLI and
            // the job runner share (Seer.Core.Errors.LibraryErrors), never a 500.
            _ => LibraryErrors.Translate(exception),
        };
        if (seer is null) return false;
        int status = StatusOf(seer.Code);
        // Members never see where the workspace lives on the server.
        bool admin = httpContext.User.IsInRole("admin");
        string detail = admin ? seer.Message : ServerPaths.Hide(seer.Message, _home);
        string? file = seer.Path is null || admin ? seer.Path : ServerPaths.Hide(seer.Path, _home);
        httpContext.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = seer.Code,
            Detail = detail,
            Type = $"https://seer.local/problems/{seer.Code}",
            Instance = httpContext.Request.Path,
        };
        if (file is not null) problem.Extensions["file"] = file;
        problem.Extensions["code"] = seer.Code;
        return await _problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception })
            .ConfigureAwait(false);
    }
}
