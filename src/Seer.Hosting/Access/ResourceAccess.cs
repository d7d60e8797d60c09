using System.Globalization;
using Microsoft.Extensions.Options;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Hosting.Accounts;
using Seer.Hosting.Jobs;
using Seer.Hosting.Models;
using Seer.Training.Registry;
using Seer.Hosting.Storage;
using Seer.Data.Relational;

namespace Seer.Hosting.Access;

/// <summary>Who is asking: a user name and whether the workspace's account store says they are an admin.</summary>
public sealed record Caller(string Name, bool IsAdmin)
{
    /// <summary>The name the CLI and other local callers act under: a local admin.</summary>
    public const string LocalName = "local";

    /// <summary>The CLI and in-process callers: a local admin.</summary>
    public static Caller Local { get; } = new(LocalName, true);
}

/// <summary>The kinds of things that have an owner and a visibility.</summary>
public static class ResourceKinds
{
    public const string Dataset = "dataset";
    /// <summary>A trained model in the workspace's registry (HOME/models).</summary>
    public const string Model = "model";
    /// <summary>A model served by the image API (/api/models).</summary>
    public const string ServedModel = "served_model";
    /// <summary>A feature group of the compare-and-search API (/api/groups).</summary>
    public const string FeatureGroup = "feature_group";
    /// <summary>A video stream analysed by the server (/api/streams).</summary>
    public const string Stream = "stream";
}

/// <summary>A thing's owner (null: made locally, e.g. by the CLI) and whether it is shared with every member.</summary>
public sealed record Ownership(string? Owner, bool Shared);

/// <summary>
/// Owners and visibility of datasets, trained models, served models and jobs (table <c>resource_access</c> and
/// <c>jobs.shared</c> in the hosting database). Rules:
/// <list type="bullet">
/// <item>admins see and change everything;</item>
/// <item>a thing with no row (made by the CLI, or before owners existed) or with a null owner is shared;</item>
/// <item>what a member (or admin) creates through the API is private to them until shared
/// (<c>POST …/share</c>); a shared thing is visible to every member, but only its owner or an admin changes it;</item>
/// <item>a caller who may not see a thing gets the same 404 as for a thing that does not exist, naming nothing else.</item>
/// </list>
/// </summary>
public sealed class ResourceAccess
{
    private readonly HostingDatabase _db;
    private readonly AccountStore _accounts;

    public ResourceAccess(HostingDatabase db, IOptions<HostingOptions> options)
    {
        _db = db;
        _accounts = new AccountStore(db, options);
    }

    /// <summary>The caller a user name stands for now: the role comes from the account store; "local" is a local admin.</summary>
    public Caller CallerOf(string user)
    {
        if (user == Caller.LocalName) return Caller.Local;
        var found = _accounts.Find(user);
        return new Caller(user, found?.Role == UserRole.Admin);
    }

    public Ownership? Find(string kind, string name)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT owner, shared FROM resource_access WHERE kind = @k AND name = @n";
        RelationalDatabase.AddParameter(cmd, "k", kind);
        RelationalDatabase.AddParameter(cmd, "n", name);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new Ownership(r.IsDBNull(0) ? null : r.GetString(0), r.GetInt64(1) != 0) : null;
    }

    /// <summary>Records <paramref name="owner"/> as the owner of a new thing (private unless <paramref name="shared"/>); a thing that already has an owner keeps it.</summary>
    public void Claim(string kind, string name, string owner, bool shared = false)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO resource_access (kind, name, owner, shared, created_at) VALUES (@k, @n, @o, @s, @t) ON CONFLICT DO NOTHING";
        RelationalDatabase.AddParameter(cmd, "k", kind);
        RelationalDatabase.AddParameter(cmd, "n", name);
        RelationalDatabase.AddParameter(cmd, "o", owner == Caller.LocalName ? DBNull.Value : owner);
        RelationalDatabase.AddParameter(cmd, "s", shared ? 1 : 0);
        RelationalDatabase.AddParameter(cmd, "t", _db.CurrentTime());
        cmd.ExecuteNonQuery();
    }

    /// <summary>Drops the owner record of a thing that was deleted, so a new thing of the same name starts afresh.</summary>
    public void Forget(string kind, string name)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM resource_access WHERE kind = @k AND name = @n";
        RelationalDatabase.AddParameter(cmd, "k", kind);
        RelationalDatabase.AddParameter(cmd, "n", name);
        cmd.ExecuteNonQuery();
    }

    public bool CanSee(string kind, string name, Caller caller) =>
        caller.IsAdmin || Find(kind, name) is not { } o || o.Owner is null || o.Shared || o.Owner == caller.Name;

    public bool CanChange(string kind, string name, Caller caller) =>
        caller.IsAdmin || Find(kind, name) is not { } o || o.Owner is null || o.Owner == caller.Name;

    /// <summary>Throws the not-found error unless the caller may see the thing.</summary>
    public void DemandSee(string kind, string name, Caller caller)
    {
        if (!CanSee(kind, name, caller)) throw Hidden(kind, name);
    }

    /// <summary>Throws not-found when the caller cannot see the thing, forbidden when they see it but may not change it.</summary>
    public void DemandChange(string kind, string name, Caller caller)
    {
        DemandSee(kind, name, caller);
        if (!CanChange(kind, name, caller))
            throw new SeerException(ErrorCodes.Forbidden, $"{Label(kind)} '{name}' is shared with you, but only its owner or an admin can change it", name);
    }

    /// <summary>Shares (or un-shares) a thing with every member; only its owner or an admin may.</summary>
    public Ownership Share(string kind, string name, Caller caller, bool shared = true)
    {
        DemandChange(kind, name, caller);
        var current = Find(kind, name);
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO resource_access (kind, name, owner, shared, created_at) VALUES (@k, @n, @o, @s, @t) " +
                          "ON CONFLICT(kind, name) DO UPDATE SET shared = excluded.shared";
        RelationalDatabase.AddParameter(cmd, "k", kind);
        RelationalDatabase.AddParameter(cmd, "n", name);
        RelationalDatabase.AddParameter(cmd, "o", (object?)current?.Owner ?? DBNull.Value);
        RelationalDatabase.AddParameter(cmd, "s", shared ? 1 : 0);
        RelationalDatabase.AddParameter(cmd, "t", _db.CurrentTime());
        cmd.ExecuteNonQuery();
        return Find(kind, name)!;
    }

    /// <summary>The not-found error for something the caller may not see (the same text as for something missing).</summary>
    public static SeerException Hidden(string kind, string name) =>
        new(ErrorCodes.NotFound, $"{Label(kind)} '{name}' does not exist (or is not shared with you)", name);

    // ---- jobs: the owner is jobs.created_by, the visibility jobs.shared ----

    public bool CanSee(JobInfo job, Caller caller) =>
        caller.IsAdmin || job.CreatedBy == caller.Name || job.CreatedBy == Caller.LocalName || IsShared(job.Id);

    public bool CanChange(JobInfo job, Caller caller) => caller.IsAdmin || job.CreatedBy == caller.Name;

    public void DemandSee(JobInfo job, Caller caller)
    {
        if (!CanSee(job, caller)) throw HiddenJob(job.Id);
    }

    public void DemandChange(JobInfo job, Caller caller)
    {
        DemandSee(job, caller);
        if (!CanChange(job, caller))
            throw new SeerException(ErrorCodes.Forbidden, $"job {job.Id} is shared with you, but only its owner or an admin can cancel, retry or share it");
    }

    public void ShareJob(JobInfo job, Caller caller, bool shared = true)
    {
        DemandChange(job, caller);
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE jobs SET shared = @s WHERE id = @id";
        RelationalDatabase.AddParameter(cmd, "s", shared ? 1 : 0);
        RelationalDatabase.AddParameter(cmd, "id", job.Id);
        cmd.ExecuteNonQuery();
    }

    public bool IsShared(long jobId)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT shared FROM jobs WHERE id = @id";
        RelationalDatabase.AddParameter(cmd, "id", jobId);
        return cmd.ExecuteScalar() is { } s and not DBNull && Convert.ToInt64(s, CultureInfo.InvariantCulture) != 0;
    }

    /// <summary>The jobs among <paramref name="jobs"/> the caller may see.</summary>
    public IReadOnlyList<JobInfo> Visible(IEnumerable<JobInfo> jobs, Caller caller)
    {
        if (caller.IsAdmin) return jobs.ToList();
        HashSet<long> shared;
        using (var c = _db.Open())
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT id FROM jobs WHERE shared = 1";
            using var r = cmd.ExecuteReader();
            shared = [];
            while (r.Read()) shared.Add(r.GetInt64(0));
        }
        return jobs.Where(j => j.CreatedBy == caller.Name || j.CreatedBy == Caller.LocalName || shared.Contains(j.Id)).ToList();
    }

    public static SeerException HiddenJob(long id) =>
        new(ErrorCodes.NotFound, $"job {id} does not exist (or is not shared with you)", id.ToString(CultureInfo.InvariantCulture));

    // ---- existence without naming others ----

    /// <summary>Demands the dataset exists and is visible; the error never lists other datasets.</summary>
    public void DemandDataset(Workspace workspace, string name, Caller caller)
    {
        if (workspace.Metadata.FindHead(name) is null || !CanSee(ResourceKinds.Dataset, name, caller)) throw Hidden(ResourceKinds.Dataset, name);
    }

    /// <summary>
    /// Demands the caller may read a stored image: admins read every blob; a member only one that an image of a
    /// dataset they can see refers to (any version). Otherwise the same not-found as for a blob that does not exist.
    /// </summary>
    public void DemandBlob(Workspace workspace, string contentHash, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!workspace.Blobs.Exists(contentHash)
            || (!caller.IsAdmin && !workspace.Metadata.DatasetsWithImage(contentHash).Any(d => CanSee(ResourceKinds.Dataset, d, caller))))
            throw new SeerException(ErrorCodes.NotFound, $"no image with content hash {contentHash}", contentHash);
    }

    /// <summary>The full id of a trained model (an id or a unique prefix) the caller may see; otherwise not found, naming nothing else.</summary>
    public string ResolveModel(Workspace workspace, string idOrPrefix, Caller caller)
    {
        string id;
        try
        {
            id = new FileModelRegistry(workspace.Home).Get(idOrPrefix).Id;
        }
        catch (SeerException e) when (!caller.IsAdmin || e.Code == ErrorCodes.NotFound)
        {
            // Not found, or an ambiguous prefix whose message would list ids the caller may not see.
            if (e.Code == ErrorCodes.NotFound || !caller.IsAdmin) throw Hidden(ResourceKinds.Model, idOrPrefix);
            throw;
        }
        DemandSee(ResourceKinds.Model, id, caller);
        return id;
    }

    /// <summary>Demands a served model exists and is visible; the error never lists other served models.</summary>
    public ServedModel DemandServed(ModelCatalog catalog, string name, Caller caller)
    {
        var found = catalog.List().FirstOrDefault(m => m.Name == name);
        if (found is null || !CanSee(ResourceKinds.ServedModel, name, caller)) throw Hidden(ResourceKinds.ServedModel, name);
        return found;
    }

    private static string Label(string kind) => kind switch
    {
        ResourceKinds.Dataset => "dataset",
        ResourceKinds.Model => "model",
        ResourceKinds.ServedModel => "served model",
        ResourceKinds.FeatureGroup => "feature group",
        ResourceKinds.Stream => "stream",
        _ => kind,
    };
}
