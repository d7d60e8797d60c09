using Microsoft.Extensions.Options;

namespace Seer.Hosting;

/// <summary>Refuses settings a host cannot run with, naming the setting and the reason (checked at start).</summary>
public sealed class HostingOptionsValidator : IValidateOptions<HostingOptions>
{
    public ValidateOptionsResult Validate(string? name, HostingOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Home)) errors.Add("Seer:Home (the workspace folder) is not set");
        if (options.CpuThreads < 1) errors.Add($"Seer:CpuThreads is {options.CpuThreads}; it must be at least 1");
        if (options.MaxConcurrentJobs < 1) errors.Add($"Seer:MaxConcurrentJobs is {options.MaxConcurrentJobs}; it must be at least 1");
        if (options.ReserveAfter < TimeSpan.Zero) errors.Add("Seer:ReserveAfter must not be negative");
        if (options.GpuIds.Any(g => g < 0)) errors.Add("Seer:GpuIds holds a negative device id");
        if (options.GpuIds.Distinct().Count() != options.GpuIds.Count) errors.Add("Seer:GpuIds lists a device twice");
        if (options.PasswordIterations < 100_000) errors.Add($"Seer:PasswordIterations is {options.PasswordIterations}; use at least 100000");
        if (options.MaxFailedLogins < 1) errors.Add("Seer:MaxFailedLogins must be at least 1");
        if (options.LoginWindow <= TimeSpan.Zero) errors.Add("Seer:LoginWindow must be positive");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
