namespace Seer.Search.Clustering;

/// <summary>
/// Infomap (Rosvall and Bergstrom 2008): the partition of the k-NN graph that minimises the two-level map equation —
/// the expected bits per step to describe a random walk on the graph with one codebook for entering modules and one per
/// module. A random walk stays long inside a group with many strong edges among its members and few out, so such a group
/// is a module; a weak bridge or a short chain between two groups carries little flow and does not join them.
/// <para>
/// Graph: the undirected graph of the k-NN edges at or above the threshold (an edge i–j when either lists the other),
/// edge weight w = exp((s − 1)/τ) (τ = <see cref="Temperature"/>, <see cref="RerankedTemperature"/> after re-ranking).
/// Node visit rates are strength / 2W (undirected: no teleportation), the flow on an edge t·w / 2W each way (Markov
/// time t = <see cref="MarkovTime"/>); an image without an edge at or above the threshold is a singleton.
/// </para>
/// <para>
/// Codelength of a partition with module exit flows q_m and flows p_m (the sum of its nodes' visit rates p_α):
/// L = plogp(Σ q_m) − 2 Σ plogp(q_m) − Σ plogp(p_α) + Σ plogp(q_m + p_m), plogp(x) = x log₂ x.
/// </para>
/// <para>
/// Search, as Infomap's core algorithm: every node starts alone; nodes in a seeded random order each move to the
/// neighbouring module (or an empty one) that lowers the codelength most, the change computed from the modules' exit
/// and total flows in O(degree); rounds repeat until no move helps; the modules then become the nodes of a smaller graph
/// and the moving repeats there, until no merge is left. The leaf nodes are then moved again from that partition (fine
/// tuning) and the modules aggregated again, while the codelength falls. Several trials (seeded) keep the lowest.
/// </para>
/// </summary>
internal static class Infomap
{
    /// <summary>τ of the edge weight exp((s − 1)/τ) on cosine similarities: a similarity 0.1 lower weighs e^(−0.1/τ) as
    /// much (0.37 at τ 0.1). Chosen on IdentityBench's validation identities (docs/identity.md, Clustering).</summary>
    internal const double Temperature = 0.1;

    /// <summary>τ on k-reciprocal re-ranked similarities (<see cref="ClusteringOptions.Rerank"/>), which spread wider
    /// within an identity than the cosine: at 0.1 Infomap split identities there (validation F 0.81-0.89), at 0.5 it did
    /// not (0.90-0.93).</summary>
    internal const double RerankedTemperature = 0.5;

    /// <summary>Markov time t (Schaub et al. 2012; Infomap's --markov-time): the flow on the edges is t times the walk's
    /// (node visit rates unchanged), so the walk leaves a module t times as often, a split costs less in the index
    /// codebook, and the map equation settles on smaller modules. At t = 1 (the plain map equation) Infomap merged identities on IdentityBench's k-NN graphs
    /// (pairwise precision below recall); 0.7 raised validation and test F on both embeddings measured.</summary>
    internal const double MarkovTime = 0.7;

    /// <summary>Trials of the search (each its own seeded node order); the one with the lowest codelength is kept.</summary>
    internal const int Trials = 5;

    private const double Epsilon = 1e-10;
    private const int MaxMoveRounds = 100;
    private const int MaxFineTuneRounds = 20;

    /// <summary>The edge weight of a similarity.</summary>
    internal static double Weight(float similarity, double temperature) => Math.Exp((similarity - 1.0) / temperature);

    /// <summary>Infomap over the edges at or above the threshold; returns a module id per node.</summary>
    internal static int[] Run(KnnGraph graph, float threshold, int seed, double temperature = Temperature, int trials = Trials)
    {
        var leaf = Level.FromGraph(graph, threshold, temperature);
        int n = leaf.Count;
        var best = Identity(n);
        if (leaf.TotalFlow <= 0) return best;
        double bestLength = double.PositiveInfinity;
        var random = new Random(seed);
        for (int t = 0; t < Math.Max(1, trials); t++)
        {
            var trial = new Random(random.Next());
            var labels = Optimise(leaf, trial, out double length);
            if (length < bestLength - Epsilon) (best, bestLength) = (labels, length);
        }
        return best;
    }

    /// <summary>The codelength (bits per step, the map equation as the search uses it: <see cref="Weight"/>,
    /// <see cref="MarkovTime"/>) of a partition (a module id per node) of the graph of edges at or above the threshold.</summary>
    internal static double Codelength(KnnGraph graph, float threshold, int[] labels, double temperature = Temperature)
    {
        var leaf = Level.FromGraph(graph, threshold, temperature);
        if (labels.Length != leaf.Count) throw new ArgumentException($"{labels.Length} labels for {leaf.Count} nodes", nameof(labels));
        var ids = new Dictionary<int, int>();
        var modules = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (!ids.TryGetValue(labels[i], out int m)) ids[labels[i]] = m = ids.Count;
            modules[i] = m;
        }
        return new Partition(leaf, modules).Codelength;
    }

    /// <summary>The change of the codelength, computed as the search does, when node <paramref name="node"/> of the
    /// partition <paramref name="labels"/> (module ids 0..n − 1) moves to module <paramref name="to"/> (for tests: it
    /// must equal the difference of the two <see cref="Codelength"/>s).</summary>
    internal static double MoveDelta(KnnGraph graph, float threshold, int[] labels, int node, int to) =>
        new Partition(Level.FromGraph(graph, threshold, Temperature), labels).DeltaOf(node, to);

    private static int[] Identity(int n)
    {
        var labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i;
        return labels;
    }

    /// <summary>One trial: the core algorithm from singletons, then fine tuning from the partition found while it lowers
    /// the codelength. Returns a module per leaf node.</summary>
    private static int[] Optimise(Level leaf, Random random, out double length)
    {
        var labels = Core(leaf, Identity(leaf.Count), random, out length);
        for (int round = 0; round < MaxFineTuneRounds; round++)
        {
            var tuned = Core(leaf, labels, random, out double tunedLength);
            if (tunedLength >= length - Epsilon) break;
            (labels, length) = (tuned, tunedLength);
        }
        return labels;
    }

    /// <summary>Local moving on the leaf nodes from <paramref name="start"/>, then on the modules aggregated to nodes,
    /// level after level until no module merges. Returns a module per leaf node (0..modules − 1).</summary>
    private static int[] Core(Level leaf, int[] start, Random random, out double length)
    {
        var level = leaf;
        var leafModule = (int[])start.Clone();
        var assignment = start;
        while (true)
        {
            var partition = new Partition(level, assignment);
            partition.MoveNodes(random);
            var (renumbered, count) = partition.Renumbered();
            // leaf → node of this level → its module
            for (int i = 0; i < leafModule.Length; i++) leafModule[i] = renumbered[level == leaf ? i : leafModule[i]];
            length = partition.Codelength;
            if (count == level.Count) return leafModule;
            level = level.Aggregate(renumbered, count);
            assignment = Identity(count);
        }
    }

    private static double Plogp(double p) => p > 0 ? p * Math.Log2(p) : 0;

    /// <summary>An undirected graph in flow units: node flows (visit rates), the flow on each edge in one direction
    /// (w / 2W; internal edges of an aggregated node are folded into its flow), each node's exit flow.</summary>
    private sealed class Level
    {
        public required int[] Start { get; init; }
        public required int[] Targets { get; init; }
        public required double[] Flows { get; init; }
        public required double[] NodeFlow { get; init; }
        public required double[] ExitFlow { get; init; }

        /// <summary>−Σ p log p over the leaf nodes: the part of the codelength no partition changes.</summary>
        public required double NodeEntropy { get; init; }

        public double TotalFlow => NodeFlow.Sum();

        public int Count => NodeFlow.Length;

        public static Level FromGraph(KnnGraph graph, float threshold, double temperature)
        {
            var adjacency = Clusterer.Symmetric(graph, threshold);
            int n = adjacency.Length;
            double total = 0;
            for (int i = 0; i < n; i++)
                foreach (var (_, s) in adjacency[i]) total += Weight(s, temperature);
            // total = Σ over nodes of strength = 2W
            var (start, targets, flows, nodeFlow) = Csr(n, i => adjacency[i].Select(a => (a.Item1, Weight(a.Item2, temperature) / total)));
            for (int e = 0; e < flows.Length; e++) flows[e] *= MarkovTime;
            double entropy = 0;
            foreach (double p in nodeFlow) entropy -= Plogp(p);
            return new Level
            {
                Start = start, Targets = targets, Flows = flows, NodeFlow = nodeFlow,
                ExitFlow = nodeFlow.Select(p => p * MarkovTime).ToArray(), NodeEntropy = entropy,
            };
        }

        /// <summary>
        /// Compressed rows (CSR) of <paramref name="n"/> nodes from each node's (target, value) list, in the order given,
        /// with each row's sum: the leaf graph and every aggregated level are laid out by this one routine.
        /// </summary>
        private static (int[] Start, int[] Targets, double[] Values, double[] RowSums) Csr(int n, Func<int, IEnumerable<(int Target, double Value)>> row)
        {
            var rows = new List<(int Target, double Value)>[n];
            var start = new int[n + 1];
            for (int i = 0; i < n; i++)
            {
                rows[i] = row(i).ToList();
                start[i + 1] = start[i] + rows[i].Count;
            }
            var targets = new int[start[n]];
            var values = new double[start[n]];
            var sums = new double[n];
            for (int i = 0; i < n; i++)
            {
                int e = start[i];
                foreach (var (t, v) in rows[i])
                {
                    targets[e] = t;
                    values[e] = v;
                    sums[i] += v;
                    e++;
                }
            }
            return (start, targets, values, sums);
        }

        /// <summary>The graph whose nodes are this one's modules (module of node i = <paramref name="module"/>[i]).</summary>
        public Level Aggregate(int[] module, int count)
        {
            var nodeFlow = new double[count];
            for (int i = 0; i < Count; i++) nodeFlow[module[i]] += NodeFlow[i];
            var edges = new Dictionary<int, double>[count];
            for (int m = 0; m < count; m++) edges[m] = [];
            for (int i = 0; i < Count; i++)
            {
                int a = module[i];
                for (int e = Start[i]; e < Start[i + 1]; e++)
                {
                    int b = module[Targets[e]];
                    if (a != b) edges[a][b] = edges[a].GetValueOrDefault(b) + Flows[e];
                }
            }
            var (start, targets, flows, exit) = Csr(count, m => edges[m].OrderBy(x => x.Key).Select(x => (x.Key, x.Value)));
            return new Level { Start = start, Targets = targets, Flows = flows, NodeFlow = nodeFlow, ExitFlow = exit, NodeEntropy = NodeEntropy };
        }
    }

    /// <summary>A partition of a level's nodes into modules with each module's exit and total flow, and the sums the
    /// map equation needs: L = plogp(Σq) − 2Σ plogp(q_m) + H(nodes) + Σ plogp(q_m + p_m).</summary>
    private sealed class Partition
    {
        private readonly Level level;
        private readonly int[] module;
        private readonly double[] moduleFlow;
        private readonly double[] moduleExit;
        private readonly int[] members;
        private readonly Stack<int> empty = new();
        private double sumExit, sumPlogpExit, sumPlogpExitFlow;

        public Partition(Level level, int[] assignment)
        {
            this.level = level;
            int n = level.Count;
            module = (int[])assignment.Clone();
            moduleFlow = new double[n];
            moduleExit = new double[n];
            members = new int[n];
            for (int i = 0; i < n; i++)
            {
                int m = module[i];
                members[m]++;
                moduleFlow[m] += level.NodeFlow[i];
                moduleExit[m] += level.ExitFlow[i];
                for (int e = level.Start[i]; e < level.Start[i + 1]; e++)
                    if (module[level.Targets[e]] == m) moduleExit[m] -= level.Flows[e];
            }
            for (int m = 0; m < n; m++)
            {
                if (members[m] == 0) empty.Push(m);
                moduleExit[m] = Math.Max(0, moduleExit[m]);
                sumExit += moduleExit[m];
                sumPlogpExit += Plogp(moduleExit[m]);
                sumPlogpExitFlow += Plogp(moduleExit[m] + moduleFlow[m]);
            }
        }

        public double Codelength => Plogp(sumExit) - 2 * sumPlogpExit + level.NodeEntropy + sumPlogpExitFlow;

        /// <summary>The change of the codelength when node <paramref name="node"/> moves from module
        /// <paramref name="from"/> (flow <paramref name="toOld"/> between it and the rest of that module) to module
        /// <paramref name="to"/> (flow <paramref name="toNew"/> between it and that module).</summary>
        private double Delta(int node, int from, int to, double toOld, double toNew)
        {
            double p = level.NodeFlow[node], exit = level.ExitFlow[node];
            double oldExit = moduleExit[from], newExit = moduleExit[to];
            // the node's edges into its old module now leave it; its edges into the new module no longer do
            double oldExitAfter = oldExit - exit + 2 * toOld;
            double newExitAfter = newExit + exit - 2 * toNew;
            double sumExitAfter = sumExit - oldExit - newExit + oldExitAfter + newExitAfter;
            return Plogp(sumExitAfter) - Plogp(sumExit)
                - 2 * (Plogp(oldExitAfter) + Plogp(newExitAfter) - Plogp(oldExit) - Plogp(newExit))
                + Plogp(oldExitAfter + moduleFlow[from] - p) + Plogp(newExitAfter + moduleFlow[to] + p)
                - Plogp(oldExit + moduleFlow[from]) - Plogp(newExit + moduleFlow[to]);
        }

        /// <summary><see cref="Delta"/> of moving a node to a module, its flows to both modules summed from its edges.</summary>
        public double DeltaOf(int node, int to)
        {
            double toOld = 0, toNew = 0;
            for (int e = level.Start[node]; e < level.Start[node + 1]; e++)
            {
                int m = module[level.Targets[e]];
                if (m == module[node]) toOld += level.Flows[e];
                else if (m == to) toNew += level.Flows[e];
            }
            return to == module[node] ? 0 : Delta(node, module[node], to, toOld, toNew);
        }

        private void Move(int node, int from, int to, double toOld, double toNew)
        {
            double p = level.NodeFlow[node], exit = level.ExitFlow[node];
            Remove(from);
            Remove(to);
            moduleExit[from] = Math.Max(0, moduleExit[from] - exit + 2 * toOld);
            moduleExit[to] = Math.Max(0, moduleExit[to] + exit - 2 * toNew);
            moduleFlow[from] -= p;
            moduleFlow[to] += p;
            Add(from);
            Add(to);
            module[node] = to;
            if (--members[from] == 0) empty.Push(from);
            members[to]++;
        }

        private void Remove(int m)
        {
            sumExit -= moduleExit[m];
            sumPlogpExit -= Plogp(moduleExit[m]);
            sumPlogpExitFlow -= Plogp(moduleExit[m] + moduleFlow[m]);
        }

        private void Add(int m)
        {
            sumExit += moduleExit[m];
            sumPlogpExit += Plogp(moduleExit[m]);
            sumPlogpExitFlow += Plogp(moduleExit[m] + moduleFlow[m]);
        }

        /// <summary>Rounds of moving each node (seeded random order) to the neighbouring or an empty module that lowers
        /// the codelength most, until a round moves none.</summary>
        public void MoveNodes(Random random)
        {
            int n = level.Count;
            var order = Identity(n);
            var flowTo = new double[n];
            var seen = new bool[n];
            var touched = new List<int>();
            for (int round = 0; round < MaxMoveRounds; round++)
            {
                random.Shuffle(order);
                int moved = 0;
                foreach (int node in order)
                {
                    if (level.Start[node] == level.Start[node + 1]) continue;
                    int from = module[node];
                    for (int e = level.Start[node]; e < level.Start[node + 1]; e++)
                    {
                        int m = module[level.Targets[e]];
                        if (!seen[m])
                        {
                            seen[m] = true;
                            touched.Add(m);
                        }
                        flowTo[m] += level.Flows[e];
                    }
                    double toOld = flowTo[from];
                    int best = from;
                    double bestDelta = -Epsilon, bestFlow = 0;
                    foreach (int m in touched)
                    {
                        if (m == from) continue;
                        double delta = Delta(node, from, m, toOld, flowTo[m]);
                        if (delta < bestDelta || (delta == bestDelta && m < best)) (best, bestDelta, bestFlow) = (m, delta, flowTo[m]);
                    }
                    // a module of its own (an empty one), when the node is not alone already
                    int alone = members[from] > 1 && empty.TryPeek(out int free) ? free : -1;
                    if (alone >= 0)
                    {
                        double delta = Delta(node, from, alone, toOld, 0);
                        if (delta < bestDelta) (best, bestDelta, bestFlow) = (alone, delta, 0);
                    }
                    foreach (int m in touched)
                    {
                        flowTo[m] = 0;
                        seen[m] = false;
                    }
                    touched.Clear();
                    if (best == from) continue;
                    if (best == alone) empty.Pop();
                    Move(node, from, best, toOld, bestFlow);
                    moved++;
                }
                if (moved == 0) break;
            }
        }

        /// <summary>The modules renumbered 0..count − 1 in order of first node.</summary>
        public (int[] Module, int Count) Renumbered()
        {
            var map = new int[level.Count];
            Array.Fill(map, -1);
            var result = new int[level.Count];
            int count = 0;
            for (int i = 0; i < level.Count; i++)
            {
                int m = module[i];
                if (map[m] < 0) map[m] = count++;
                result[i] = map[m];
            }
            return (result, count);
        }
    }
}
