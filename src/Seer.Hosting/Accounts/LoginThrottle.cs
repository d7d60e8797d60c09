using Microsoft.Extensions.Options;

namespace Seer.Hosting.Accounts;

/// <summary>
/// Password attempts, limited per window (<see cref="HostingOptions.LoginWindow"/>) on three counters:
/// <list type="bullet">
/// <item>per account and source address (<see cref="HostingOptions.MaxFailedLogins"/>, 5): a guesser locks out only
/// that account from their own address; the real user on another address still signs in;</item>
/// <item>per source address over all accounts (<see cref="HostingOptions.MaxFailedLoginsPerSource"/>, 20): one
/// address cannot spray names;</item>
/// <item>per account over all sources (<see cref="HostingOptions.MaxFailedLoginsPerAccount"/>, 100): the global bound
/// on guesses at one account from many addresses.</item>
/// </list>
/// An attempt is counted when it begins (<see cref="TryBegin"/>, atomically for all three counters), so parallel
/// guesses cannot slip past the limit; a success gives the attempt back and clears its account+source counter.
/// Counters live in one LRU table of at most <see cref="HostingOptions.LoginThrottleEntries"/> entries: memory stays
/// bounded whatever names and addresses are tried (the least recently touched counters are forgotten first).
/// </summary>
public sealed class LoginThrottle
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<Counter>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<Counter> _lru = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly int _perPair;
    private readonly int _perSource;
    private readonly int _perAccount;

    public LoginThrottle(IOptions<HostingOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        _perPair = Math.Max(1, o.MaxFailedLogins);
        _perSource = Math.Max(_perPair, o.MaxFailedLoginsPerSource);
        _perAccount = Math.Max(_perPair, o.MaxFailedLoginsPerAccount);
        _window = o.LoginWindow;
        Capacity = Math.Max(16, o.LoginThrottleEntries);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The most counters kept.</summary>
    public int Capacity { get; }

    /// <summary>Counters kept now (never more than <see cref="Capacity"/>).</summary>
    public int Entries
    {
        get
        {
            lock (_gate) return _map.Count;
        }
    }

    /// <summary>
    /// Counts one attempt for <paramref name="user"/> from <paramref name="source"/> and returns null when it may go
    /// ahead, or how long to wait when a limit is reached (then nothing is counted).
    /// </summary>
    public TimeSpan? TryBegin(string user, string source)
    {
        user ??= "";
        source ??= "";
        var keys = Keys(user, source);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            TimeSpan? wait = null;
            foreach (var (key, limit) in keys)
            {
                if (!_map.TryGetValue(key, out var node)) continue;
                var c = node.Value;
                if (now - c.Start >= _window || c.Count < limit) continue;
                var left = c.Start + _window - now;
                if (wait is null || left > wait) wait = left;
            }
            if (wait is not null) return wait;
            foreach (var (key, _) in keys)
            {
                var c = Touch(key, now);
                c.Count++;
            }
            return null;
        }
    }

    /// <summary>The attempt begun with <see cref="TryBegin"/> succeeded: it is given back, and the account+source counter cleared.</summary>
    public void Succeeded(string user, string source)
    {
        var keys = Keys(user ?? "", source ?? "");
        lock (_gate)
        {
            if (_map.Remove(keys[0].Key, out var pair)) _lru.Remove(pair);
            for (int i = 1; i < keys.Length; i++)
                if (_map.TryGetValue(keys[i].Key, out var node) && node.Value.Count > 0) node.Value.Count--;
        }
    }

    private (string Key, int Limit)[] Keys(string user, string source) =>
        [("p\n" + user + "\n" + source, _perPair), ("s\n" + source, _perSource), ("a\n" + user, _perAccount)];

    private Counter Touch(string key, DateTimeOffset now)
    {
        if (_map.TryGetValue(key, out var node))
        {
            _lru.Remove(node);
            _lru.AddFirst(node);
            if (now - node.Value.Start >= _window)
            {
                node.Value.Start = now;
                node.Value.Count = 0;
            }
            return node.Value;
        }
        while (_map.Count >= Capacity && _lru.Last is { } oldest)
        {
            _lru.RemoveLast();
            _map.Remove(oldest.Value.Key);
        }
        var added = _lru.AddFirst(new Counter(key) { Start = now });
        _map[key] = added;
        return added.Value;
    }

    private sealed class Counter(string key)
    {
        public string Key { get; } = key;
        public DateTimeOffset Start { get; set; }
        public int Count { get; set; }
    }
}
