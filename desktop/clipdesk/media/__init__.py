"""The outside tools (ffmpeg, ffprobe, yt-dlp) and the job engine. No Qt here."""
