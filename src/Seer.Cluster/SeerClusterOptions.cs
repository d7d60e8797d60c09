namespace Seer.Cluster;

/// <summary>
/// How this process joins the cluster (configuration section <c>Seer:Cluster</c>; <c>seer worker</c> and
/// <c>seer serve --worker</c> set them from their options). The membership table lives in the job database
/// (<c>Seer:Database</c> / SEER_DB), so every process pointed at the same database is in the same cluster.
/// </summary>
public sealed class SeerClusterOptions
{
    public const string Section = "Seer:Cluster";

    /// <summary>The worker's name (the silo name; jobs record it). Default: worker@HOSTNAME-PID.</summary>
    public string Name { get; set; } = $"worker@{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Whether this process runs jobs (<c>seer worker</c>, <c>seer serve --worker</c>); a plain server only places them.</summary>
    public bool RunsJobs { get; set; }

    /// <summary>The address other silos reach this one at (default loopback: one machine; give the host's address for several).</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Silo-to-silo port; 0 picks a free one.</summary>
    public int SiloPort { get; set; }

    /// <summary>Gateway (client) port; 0 picks a free one.</summary>
    public int GatewayPort { get; set; }

    /// <summary>Orleans cluster id: processes with the same database and id form one cluster.</summary>
    public string ClusterId { get; set; } = "seer";

    /// <summary>How long a silo may miss probes before the others vote it dead (Orleans ProbeTimeout, 10 s, x NumMissedProbesLimit, 3): a loaded machine answers probes late.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
