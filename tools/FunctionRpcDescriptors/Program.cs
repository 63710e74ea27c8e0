using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

// Usage: FunctionRpcDescriptors <descriptor set out> <csharp namespace>
// Prints the names of the protocol's own files (not the well-known types), one a line, for protoc to compile.
if (args.Length != 2)
{
    await Console.Error.WriteLineAsync("usage: FunctionRpcDescriptors <descriptor-set-out> <csharp-namespace>");
    return 2;
}

// The worker's generated protocol types are internal, but each file's reflection class exposes its descriptor, and a
// descriptor's serialized form is the FileDescriptorProto that protoc wrote it from.
var workerGrpc = Assembly.Load("Microsoft.Azure.Functions.Worker.Grpc");
var root = workerGrpc.GetTypes()
    .Where(t => t.Name == "FunctionRpcReflection")
    .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
    .OfType<FileDescriptor>()
    .SingleOrDefault() ?? throw new InvalidOperationException("FunctionRpcReflection.Descriptor not found in " + workerGrpc.FullName);

// Dependencies first, each file once: the order protoc needs to resolve imports from a descriptor set.
var ordered = new List<FileDescriptor>();
var seen = new HashSet<string>(StringComparer.Ordinal);
Visit(root);

var set = new FileDescriptorSet();
var own = new List<string>();
foreach (var file in ordered)
{
    var proto = FileDescriptorProto.Parser.ParseFrom(file.SerializedData);
    if (!file.Name.StartsWith("google/protobuf/", StringComparison.Ordinal))
    {
        // Our own namespace: the generated server types must never be confused with the worker's internal client ones.
        proto.Options ??= new Google.Protobuf.Reflection.FileOptions();
        proto.Options.CsharpNamespace = args[1];
        own.Add(file.Name);
    }

    set.File.Add(proto);
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[0]))!);
await File.WriteAllBytesAsync(args[0], set.ToByteArray());
foreach (var name in own)
{
    Console.WriteLine(name);
}

return 0;

void Visit(FileDescriptor file)
{
    if (!seen.Add(file.Name))
    {
        return;
    }

    foreach (var dependency in file.Dependencies)
    {
        Visit(dependency);
    }

    ordered.Add(file);
}
