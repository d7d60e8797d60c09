using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Seer.Hosting.Accounts;
using Seer.Server;

namespace Seer.Browser.Tests;

/// <summary>
/// What every browser test stands on: a Seer server on a real Kestrel (127.0.0.1, a free port: a browser cannot reach
/// an in-memory test server) over a fresh workspace, and Debian's chromium driven by Playwright (never `playwright
/// install`). Disposing it closes the browser, stops the server and deletes the workspace.
/// Screenshots go to <see cref="Shots"/> (TestResults/screenshots at the repository root).
/// </summary>
public sealed class BrowserSite : IAsyncDisposable
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private BrowserSite(WebApplication app, string home)
    {
        App = app;
        Home = home;
        Url = app.Urls.Single();
    }

    public WebApplication App { get; }

    public string Home { get; }

    /// <summary>The server's address, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string Url { get; }

    public AccountStore Accounts => Service<AccountStore>();

    public static string Shots { get; } = Directory.CreateDirectory(Path.Combine(TestPaths.Root, "TestResults", "screenshots")).FullName;

    /// <summary>Starts the server on <paramref name="home"/> (default: a new temporary folder).</summary>
    public static async Task<BrowserSite> StartAsync(string? home = null)
    {
        home ??= TestPaths.TempDir();
        var app = SeerServer.Build(home, "http://127.0.0.1:0");
        await app.StartAsync();
        return new BrowserSite(app, home);
    }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>An API client signed in with a new token of <paramref name="user"/>.</summary>
    public HttpClient Api(string user)
    {
        var http = new HttpClient { BaseAddress = new Uri(Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Accounts.CreateToken(user));
        return http;
    }

    /// <summary>A new browser context (its own cookies: one signed-in user) of the given viewport.</summary>
    public async Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900, bool downloads = false)
    {
        if (_browser is null)
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
        }
        return await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = downloads });
    }

    /// <summary>A page in a new context.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, bool downloads = false) =>
        await (await NewContextAsync(width, height, downloads)).NewPageAsync();

    /// <summary>Runs the walk through the pages; when it fails, <paramref name="page"/> is saved as Shots/<paramref name="failureShot"/> first.</summary>
    public static async Task WalkAsync(IPage page, string failureShot, Func<Task> walk)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(walk);
        try
        {
            await walk();
        }
        catch (Exception)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, failureShot), FullPage = true });
            throw;
        }
    }

    /// <summary>Saves a full-page screenshot as Shots/<paramref name="name"/>.</summary>
    public static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, name), FullPage = true });

    /// <summary>Fills the sign-in form the UI shows and submits it (the caller waits for what it expects next).</summary>
    public static async Task SignInAsync(IPage page, string name, string password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.Locator("#login-name").FillAsync(name);
        await page.Locator("#login-password").FillAsync(password);
        await page.Locator("#login-submit").ClickAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
