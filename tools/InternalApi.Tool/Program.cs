using InternalApi.Tool;

return await ToolCommands.RunAsync(args, Console.Out, Console.Error);
