using InternalApi.Bench;

return args is ["startup", .. var rest]
    ? await StartupBenchCommand.RunAsync(rest, Console.Out, Console.Error)
    : await BenchCommand.RunAsync(args, Console.Out, Console.Error);
