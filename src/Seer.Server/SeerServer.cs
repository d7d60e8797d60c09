using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using Seer.Hosting;
using Seer.Server.Api;
using Seer.Server.Auth;

namespace Seer.Server;

/// <summary>
/// Builds the Seer web application: the hosting services (workspace, jobs, accounts, models), cookie + bearer auth
/// with every route but /health, the login call and the UI's static files requiring a signed-in user, RFC 7807
/// errors, the OpenAPI document (/openapi/v1.json), its Scalar reference (/scalar) and the REST API under /api.
/// </summary>
public static class SeerServer
{
    /// <summary>Default address: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static WebApplication Build(string home, string? urls = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SeerServer).Assembly.GetName().Name });
        builder.WebHost.UseUrls(urls ?? DefaultUrls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // The key ring is protected by file modes (HOME/secrets/keys, 0700/0600), not by an XML encryptor: no warning for that.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Services.AddSeerWorkspace(o => o.Home = home).AddSeerJobs().AddSeerAccounts().AddSeerSearch();
        builder.Services.AddSeerStreams();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        builder.Services.AddOptions<FormOptions>().Configure<IOptions<HostingOptions>>((f, h) => f.MultipartBodyLengthLimit = h.Value.MaxUploadBytes);
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = 1L << 30); // the hard ceiling; RequestLimits applies Seer:MaxUploadBytes
        builder.Services.AddDataProtection().SetApplicationName("seer");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new WorkspaceKeyRing(home)));
        builder.Services.AddProblemDetails();
        // Body binding failures throw, so SeerExceptionHandler answers them 4xx with the reason (not an empty 400).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<SeerExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddAuthentication(SeerAuth.Either)
            .AddPolicyScheme(SeerAuth.Either, "cookie or bearer", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? SeerAuth.Bearer : SeerAuth.Cookie)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(SeerAuth.Bearer, null)
            .AddCookie(SeerAuth.Cookie, o =>
            {
                o.Cookie.Name = "seer_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.Events.OnValidatePrincipal = SessionValidation.ValidateAsync;
                o.Events.OnRedirectToLogin = ctx => Problem(ctx.HttpContext, StatusCodes.Status401Unauthorized, "unauthorized",
                    "sign in (POST /api/auth/login) or send Authorization: Bearer <token> (seer token create)");
                o.Events.OnRedirectToAccessDenied = ctx => Problem(ctx.HttpContext, StatusCodes.Status403Forbidden, "forbidden",
                    ctx.HttpContext.User.IsInRole("labeller") ? "labellers can only use the labelling tasks they are named in (/api/labeling)" : "this needs the admin role");
            });
        builder.Services.AddAuthorizationBuilder()
            // labellers reach only the labelling routes and their own session (SeerAuth.AnyUserPolicy); every other route needs a member or an admin
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(SeerAuth.Either).RequireAuthenticatedUser().RequireRole("member", "admin").Build())
            .AddPolicy(SeerAuth.AnyUserPolicy, p => p.AddAuthenticationSchemes(SeerAuth.Either).RequireAuthenticatedUser())
            .AddPolicy(SeerAuth.AdminPolicy, p => p.AddAuthenticationSchemes(SeerAuth.Either).RequireRole("admin"));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<SameOriginAndHeaders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var ui = new EmbeddedFileProvider(typeof(SeerServer).Assembly, "ui");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = new UiFiles(ui), RequestPath = "" });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new UiFiles(ui), RequestPath = "" });
        app.UseRouting();
        app.UseMiddleware<RequestLimits>();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).AllowAnonymous().WithTags("health");
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        var api = app.MapGroup("/api");
        AuthEndpoints.Map(api);
        DatasetEndpoints.Map(api);
        BrowseEndpoints.Map(api);
        EmbeddingEndpoints.Map(api);
        DatasetActionEndpoints.Map(api);
        ClusterReviewEndpoints.Map(api);
        JobEndpoints.Map(api);
        ModelEndpoints.Map(api);
        TrainingEndpoints.Map(api);
        ModelPageEndpoints.Map(api);
        ProjectEndpoints.Map(api);
        LabelingEndpoints.Map(api);
        HandoffEndpoints.Map(api);
        AdminEndpoints.Map(api);
        TokenEndpoints.Map(api);
        SearchEndpoints.Map(api);
        StreamEndpoints.Map(api);
        FlowEndpoints.Map(api);
        return app;
    }

    internal static Task Problem(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = code, Detail = detail, Type = $"https://seer.local/problems/{code}", Extensions = { ["code"] = code } },
        }).AsTask();
    }
}
