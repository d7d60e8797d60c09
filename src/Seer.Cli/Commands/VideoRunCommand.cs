using System.CommandLine;

namespace Seer.Cli.Commands;

public sealed partial class VideoCommands
{
    private static Command RunCommand()
    {
        var command = new Command("run", "Analyse video files and RTSP streams: detect, track, best shot per track, sinks");
        return command;
    }
}
