using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Seer.Hosting.Accounts;

/// <summary>
/// Counts failed logins per user name and per client address in a sliding window; past the limit, further attempts
/// for that key are refused until the oldest failure leaves the window (even with the right password).
/// </summary>
public sealed class LoginThrottle
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly int _max;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;

    public LoginThrottle(IOptions<HostingOptions> options, TimeProvider? time = null)
    {
        _max = options.Value.MaxFailedLogins;
        _window = options.Value.LoginWindow;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long the caller must wait before trying again, or null when an attempt is allowed.</summary>
    public TimeSpan? RetryAfter(string user, string client) =>
        new[] { Wait("u:" + user), Wait("c:" + client) }.Max();

    public void Failed(string user, string client)
    {
        Add("u:" + user);
        Add("c:" + client);
    }

    public void Succeeded(string user) => _failures.TryRemove("u:" + user, out _);

    private TimeSpan? Wait(string key)
    {
        if (!_failures.TryGetValue(key, out var q)) return null;
        lock (q)
        {
            var now = _time.GetUtcNow();
            while (q.Count > 0 && now - q.Peek() > _window) q.Dequeue();
            return q.Count >= _max ? q.Peek() + _window - now : null;
        }
    }

    private void Add(string key)
    {
        var q = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (q) q.Enqueue(_time.GetUtcNow());
    }
}
