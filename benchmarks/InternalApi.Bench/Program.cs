using InternalApi.Bench;

return args switch
{
    ["startup", .. var rest] => await StartupBenchCommand.RunAsync(rest, Console.Out, Console.Error),
    ["scale", .. var rest] => await ScaleBenchCommand.RunAsync(rest, Console.Out, Console.Error),
    _ => await BenchCommand.RunAsync(args, Console.Out, Console.Error),
};
