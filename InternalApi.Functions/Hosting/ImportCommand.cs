namespace InternalApi.Functions.Hosting;

/// <summary><c>import &lt;file.json&gt;</c>: validates a whole data file, then upserts it into the store.</summary>
public static class ImportCommand
{
    /// <summary>Runs the import; 0 on success, 1 when the file is invalid, 2 on usage errors.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine("import is not implemented yet");
        return Task.FromResult(2);
    }
}
