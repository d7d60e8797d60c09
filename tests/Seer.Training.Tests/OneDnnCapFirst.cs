using System.Runtime.CompilerServices;

namespace Seer.Training.Tests;

/// <summary>
/// Runs Seer.Training's module initializer (the oneDNN AVX2 cap, Engine/OneDnnIsaCap.cs) before any test touches
/// TorchSharp directly: a test that calls torch.* first would load libtorch without the cap.
/// </summary>
internal static class OneDnnCapFirst
{
#pragma warning disable CA2255 // a test-assembly module initializer is the point: before any test's first libtorch call
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply() => RuntimeHelpers.RunModuleConstructor(typeof(Seer.Training.Engine.TorchSetup).Module.ModuleHandle);
}
