// A Server-Sent Events reader over a fetch body stream, following the WHATWG event-stream
// parsing rules (fields, multi-line data, comments, CR/LF/CRLF line ends). Small enough that
// an EventSource dependency is not worth it, and EventSource cannot be aborted per event.

export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let id: string | undefined;
  // A chunk may end between CR and LF; remember it so the LF is not read as a second line end.
  let skipLf = false;

  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      if (ch === 10 && skipLf && i === start) {
        skipLf = false;
        start = i + 1;
        continue;
      }
      skipLf = ch === 13;
      const line = buffer.slice(start, i);
      start = i + 1;
      if (ch === 13 && buffer.charCodeAt(i + 1) === 10) {
        i++;
        start = i + 1;
        skipLf = false;
      }
      if (line === "") {
        if (data.length > 0) yield { event: event || "message", data: data.join("\n"), id };
        event = "";
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
      else if (field === "id" && !value.includes("\0")) id = value;
    }
    buffer = buffer.slice(start);
  }
  // An event without its blank line at the end of the stream is discarded, as the spec says.
}
