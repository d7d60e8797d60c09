using System.CommandLine;
using Seer.Video.Mot;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer video</c>: <c>track</c> runs only the tracker over MOTChallenge detections; <c>run</c> analyses video files and
/// RTSP streams (detect → track → best shot → sinks). All logic lives in Seer.Video.
/// </summary>
public sealed partial class VideoCommands : ICommandFactory
{
    public Command Create()
    {
        var video = new Command("video", "Video: track MOTChallenge detections; analyse files and RTSP streams into snapshots");
        video.Subcommands.Add(TrackCommand());
        video.Subcommands.Add(RunCommand());
        return video;
    }

    private static Command TrackCommand()
    {
        var detections = new Option<string>("--detections") { Description = "MOTChallenge detections: frame,-1,x,y,w,h,score,... (frames from 1, pixels)", Required = true };
        var output = new Option<string>("--out") { Description = "Tracks file to write: frame,id,x,y,w,h,score,-1,-1,-1", Required = true };
        var fps = new Option<double>("--fps") { Description = "Frame rate of the sequence (sets the lost-track buffer of 2 s; default 30)", DefaultValueFactory = _ => 30 };
        var noInterpolate = new Option<bool>("--no-interpolate") { Description = "Write the online output only (default: gaps of re-found tracks are filled by linear interpolation, as ByteTrack's MOTChallenge results)" };
        var command = new Command("track", "Run the tracker alone on MOTChallenge public detections");
        command.Options.Add(noInterpolate);
        command.Options.Add(detections);
        command.Options.Add(output);
        command.Options.Add(fps);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            string outPath = parse.GetValue(output)!;
            var s = MotTracking.RunFiles(parse.GetValue(detections)!, outPath, parse.GetValue(fps), !parse.GetValue(noInterpolate));
            if (parse.GetValue(GlobalOptions.Json))
                Output.Json(new Dictionary<string, object> { ["frames"] = s.Frames, ["detections"] = s.Detections, ["tracks"] = s.Tracks, ["boxes"] = s.Boxes, ["out"] = Path.GetFullPath(outPath) });
            else
                Console.WriteLine($"tracked {s.Detections} detections over {s.Frames} frames: {s.Tracks} tracks, {s.Boxes} boxes → {outPath}");
            return Task.FromResult(0);
        });
        return command;
    }
}
