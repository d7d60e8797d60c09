using Seer.Video.Tracking;

namespace Seer.Video.Tests;

public sealed class LinearAssignmentTests
{
    [Fact]
    public void Square_FindsTheHandComputedOptimum()
    {
        // Row 0 → col 1 (1), row 1 → col 0 (2), row 2 → col 2 (2): total 5; the greedy row-wise minimum would take (1,1)=0 first.
        var a = LinearAssignment.Solve(new double[,] { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } });
        Assert.Equal([1, 0, 2], a);
    }

    [Fact]
    public void MoreRowsThanColumns_LeavesTheCostliestRowOut()
    {
        var a = LinearAssignment.Solve(new double[,] { { 1, 9 }, { 9, 1 }, { 0.5, 0.5 } });
        // Options: rows {0,1} = 2; {0,2} = 1.5; {2,1} = 1.5; {2,0}+... best total 1.5 with two rows, ties broken either way.
        Assert.Equal(2, a.Count(c => c >= 0));
        double total = a.Select((c, r) => c < 0 ? 0 : new double[,] { { 1, 9 }, { 9, 1 }, { 0.5, 0.5 } }[r, c]).Sum();
        Assert.Equal(1.5, total, 9);
    }

    [Fact]
    public void MatchesBruteForceOnRandomMatrices()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            int rows = rng.Next(1, 6), cols = rng.Next(1, 6);
            var c = new double[rows, cols];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) c[i, j] = Math.Round(rng.NextDouble() * 10, 1);
            var a = LinearAssignment.Solve(c);
            Assert.Equal(Math.Min(rows, cols), a.Count(x => x >= 0));
            Assert.Equal(a.Where(x => x >= 0).Count(), a.Where(x => x >= 0).Distinct().Count());
            double got = a.Select((col, r) => col < 0 ? 0 : c[r, col]).Sum();
            Assert.Equal(BruteForce(c), got, 9);
        }
    }

    [Fact]
    public void SolveWithLimit_DropsPairsAboveTheLimitWithoutGivingUpAllowedOnes()
    {
        // Unlimited optimum would pair (0,1) and (1,0) = 0.9 + 0.9; with limit 0.5 only (0,0)=0.2 is allowed.
        var m = LinearAssignment.SolveWithLimit(new double[,] { { 0.2, 0.9 }, { 0.9, 0.95 } }, 0.5);
        Assert.Equal([(0, 0)], m);
    }

    private static double BruteForce(double[,] c)
    {
        int rows = c.GetLength(0), cols = c.GetLength(1);
        if (rows > cols)
        {
            var t = new double[cols, rows];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j, i] = c[i, j];
            return BruteForce(t);
        }
        double best = double.PositiveInfinity;
        void Go(int r, bool[] used, double acc)
        {
            if (r == rows) { best = Math.Min(best, acc); return; }
            for (int j = 0; j < cols; j++)
            {
                if (used[j]) continue;
                used[j] = true;
                Go(r + 1, used, acc + c[r, j]);
                used[j] = false;
            }
        }
        Go(0, new bool[cols], 0);
        return best;
    }
}
