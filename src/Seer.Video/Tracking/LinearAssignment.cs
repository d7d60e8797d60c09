namespace Seer.Video.Tracking;

/// <summary>
/// Minimum-cost assignment of rows to columns (the Hungarian method, in its shortest-augmenting-path form with row and
/// column potentials, O(n²m)). Rectangular matrices are allowed: with more rows than columns some rows stay unassigned.
/// Used by the trackers' IoU association and by the ID metrics' trajectory matching.
/// </summary>
public static class LinearAssignment
{
    /// <summary>For each row, the column assigned to it (−1 when unassigned); the total cost over assigned pairs is minimal.</summary>
    public static int[] Solve(double[,] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        if (rows == 0 || cols == 0) return Enumerable.Repeat(-1, rows).ToArray();
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (!double.IsFinite(cost[i, j])) throw new ArgumentException($"cost[{i},{j}] is not finite", nameof(cost));
        if (rows <= cols) return SolveWide(cost, rows, cols, transposed: false);
        // More rows than columns: solve the transpose (columns become rows) and invert the answer.
        var byCol = SolveWide(cost, cols, rows, transposed: true);
        var result = Enumerable.Repeat(-1, rows).ToArray();
        for (int c = 0; c < cols; c++) if (byCol[c] >= 0) result[byCol[c]] = c;
        return result;
    }

    /// <summary>
    /// Pairs whose cost is at most <paramref name="maxCost"/>, chosen as a minimum-cost assignment in which every pair
    /// above the limit costs more than any assignment within it (so the solver never trades an allowed pair for one that
    /// is thrown away afterwards).
    /// </summary>
    public static List<(int Row, int Col)> SolveWithLimit(double[,] cost, double maxCost)
    {
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        var matches = new List<(int, int)>();
        if (rows == 0 || cols == 0) return matches;
        double big = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (cost[i, j] <= maxCost) big += Math.Abs(cost[i, j]);
        big = (big + 1) * 2 + Math.Abs(maxCost);
        var gated = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                gated[i, j] = cost[i, j] <= maxCost ? cost[i, j] : big;
        var a = Solve(gated);
        for (int i = 0; i < rows; i++)
            if (a[i] >= 0 && cost[i, a[i]] <= maxCost) matches.Add((i, a[i]));
        return matches;
    }

    // n rows <= m columns; 1-based potentials u (rows), v (columns), p[j] = row matched to column j, way[j] = previous column.
    private static int[] SolveWide(double[,] cost, int n, int m, bool transposed)
    {
        double C(int i, int j) => transposed ? cost[j, i] : cost[i, j];
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];
        var way = new int[m + 1];
        var minv = new double[m + 1];
        var used = new bool[m + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Fill(used, false);
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    double cur = C(i0 - 1, j - 1) - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var assign = Enumerable.Repeat(-1, n).ToArray();
        for (int j = 1; j <= m; j++) if (p[j] != 0) assign[p[j] - 1] = j - 1;
        return assign;
    }
}
