using System.Runtime.CompilerServices;

// The benchmark times loading and evaluation separately (as it does for pycocotools).
[assembly: InternalsVisibleTo("CocoEvalBench")]
