return await CheckIn.Bench.BenchApp.RunAsync(args);
