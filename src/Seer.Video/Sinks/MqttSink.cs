using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using Seer.Core.Errors;
using Seer.Video.Pipeline;

namespace Seer.Video.Sinks;

/// <summary>
/// <c>mqtt://HOST:PORT/TOPIC</c>: each snapshot is published (QoS 1, at least once) to TOPIC as the same JSON object as
/// the webhook's (base64 JPEG images), with MQTTnet's client. A lost connection is re-established before the next
/// publish; a snapshot whose publish fails after that counts as failed.
/// </summary>
public sealed class MqttSink : ISnapshotSink
{
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly string _topic;
    private readonly string _name;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private long _written, _failed, _retries;

    private MqttSink(IMqttClient client, MqttClientOptions options, string topic, string name)
    {
        _client = client; _options = options; _topic = topic; _name = name;
    }

    /// <summary>Parses <c>mqtt://HOST:PORT/TOPIC</c> (port default 1883) and connects.</summary>
    public static async Task<MqttSink> ConnectAsync(string spec, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(spec, UriKind.Absolute, out var uri) || uri.Scheme != "mqtt" || string.IsNullOrEmpty(uri.Host))
            throw new SeerException(ErrorCodes.InvalidOptions, $"--sink '{spec}' is not mqtt://HOST:PORT/TOPIC");
        string topic = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (topic.Length == 0 || topic.Contains('#') || topic.Contains('+'))
            throw new SeerException(ErrorCodes.InvalidOptions, $"--sink '{spec}': the topic must be given and cannot contain wildcards");
        int port = uri.IsDefaultPort || uri.Port <= 0 ? 1883 : uri.Port;
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer(uri.Host, port)
            .WithClientId("seer-video-" + Guid.NewGuid().ToString("N")[..12]).WithCleanSession().Build();
        try
        {
            await client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new SeerException(ErrorCodes.Unavailable, $"MQTT broker {uri.Host}:{port} cannot be reached: {ex.Message}", spec, ex);
        }
        return new MqttSink(client, options, topic, $"mqtt://{uri.Host}:{port}/{topic}");
    }

    public string Name => _name;
    public SinkStats Stats => new(Interlocked.Read(ref _written), Interlocked.Read(ref _failed), 0, Interlocked.Read(ref _retries));

    public async ValueTask WriteAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(_topic).WithPayload(WebhookSink.Body(snapshot))
            .WithContentType("application/json").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int attempt = 0; attempt < 2; attempt++)
            {
                try
                {
                    if (!_client.IsConnected)
                    {
                        if (attempt > 0) Interlocked.Increment(ref _retries);
                        await _client.ConnectAsync(_options, cancellationToken).ConfigureAwait(false);
                    }
                    var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
                    if (result.IsSuccess) { Interlocked.Increment(ref _written); return; }
                }
                catch (MQTTnet.Exceptions.MqttCommunicationException) when (attempt == 0) { }
                catch (MQTTnet.Exceptions.MqttCommunicationException) { break; }
            }
            Interlocked.Increment(ref _failed);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try { await _client.DisconnectAsync().ConfigureAwait(false); }
            catch (MQTTnet.Exceptions.MqttCommunicationException) { }
        }
        _client.Dispose();
        _lock.Dispose();
    }
}
