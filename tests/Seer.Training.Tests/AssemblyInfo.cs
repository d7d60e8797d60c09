// Training tests each use one libtorch thread and run one after another: the CPU is small and libtorch's thread
// setting is process-wide.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
