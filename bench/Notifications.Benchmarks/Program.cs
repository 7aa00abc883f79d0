using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Notifications.Benchmarks -- --filter '*'   (docs/benchmarks.md, "Micro-benchmarks")
// Reports go under the build output (bin/, ignored by git) unless --artifacts says otherwise.
var config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
// A benchmark that threw, or a setup BenchmarkDotNet refused, fails the command rather than leaving a gap in the table.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
