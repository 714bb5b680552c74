"""Videos with drawings: every frame of a source video with its sound-source map, a caption and the source's
own audio track, written as H.264 + AAC ``.mp4`` with PyAV."""
import os
from typing import Optional, Sequence

import av
import cv2
import decord
import numpy as np

from mmavssl.evaluation.functional import overlay_map


def draw_caption(image: np.ndarray, text: str, origin: Optional[Sequence[int]] = None,
                 scale: Optional[float] = None) -> np.ndarray:
    """Write white text with a black outline on a copy of an RGB image (legible on any background).

    Args:
        image: (H, W, 3) uint8.
        text: One line.
        origin: (x, y) of the text's baseline start; default the top-left corner.
        scale: OpenCV font scale; default proportional to the image width (0.5 at 320 pixels), smaller when
            the text would not fit.

    Returns:
        (H, W, 3) uint8 copy with the text.
    """
    out = np.ascontiguousarray(image).copy()
    if scale is None:
        width = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 1.0, 1)[0][0]
        scale = min(max(image.shape[1] / 640, 0.3), (image.shape[1] - 8) / max(width, 1))
    thickness = max(int(round(scale * 2)), 1)
    height = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)[0][1]
    x, y = origin if origin is not None else (4, 4 + height)
    cv2.putText(out, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thickness + 2, cv2.LINE_AA)
    cv2.putText(out, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), thickness, cv2.LINE_AA)
    return out


def _source_audio(path: str) -> Optional[av.AudioFrame]:
    """The whole audio track of ``path`` as one planar float frame (at most stereo), or None without one."""
    with av.open(path) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        layout = 'mono' if stream.codec_context.channels == 1 else 'stereo'
        resampler = av.AudioResampler(format='fltp', layout=layout, rate=stream.codec_context.sample_rate)
        chunks = [out.to_ndarray() for frame in container.decode(stream) for out in resampler.resample(frame)]
        chunks += [out.to_ndarray() for out in resampler.resample(None)]
    if not chunks:
        return None
    frame = av.AudioFrame.from_ndarray(np.concatenate(chunks, axis=1), format='fltp', layout=layout)
    frame.sample_rate = resampler.rate
    return frame


def write_overlay_video(source: str, out_file: str, maps: np.ndarray, caption: str = '', alpha: float = 0.5,
                        overwrite: bool = False) -> int:
    """Write ``source`` with ``maps[i]`` blended over frame ``i``, the caption on every frame and its audio.

    The video keeps the source's frame rate (H.264, odd frame sizes cropped by one pixel); the audio is the
    source's first track re-encoded as AAC from time 0, so picture and sound stay as aligned as in the source.

    Args:
        source: Video file.
        out_file: ``.mp4`` to write.
        maps: (N, h, w) raw maps, one per frame of the video (min-max normalised per frame by
            :func:`~mmavssl.evaluation.functional.overlay_map`).
        caption: Text drawn at the top left (e.g. the top-1 class).
        alpha: Heat-map opacity.
        overwrite: Replace an existing ``out_file``.

    Returns:
        The number of frames written.

    Raises:
        FileExistsError: ``out_file`` exists and ``overwrite`` is False.
        ValueError: ``maps`` does not hold one map per frame.
    """
    if os.path.exists(out_file) and not overwrite:
        raise FileExistsError(f'{out_file} exists; pass --overwrite to replace it or choose another name')
    reader = decord.VideoReader(source, num_threads=1)
    if len(maps) != len(reader):
        raise ValueError(f'{source} has {len(reader)} frames but {len(maps)} maps were given; localise every '
                         'frame (localize_video with times=None)')
    with av.open(source) as container:
        rate = container.streams.video[0].average_rate or round(reader.get_avg_fps())
    audio = _source_audio(source)
    os.makedirs(os.path.dirname(os.path.abspath(out_file)), exist_ok=True)
    with av.open(out_file, 'w', format='mp4') as out:
        video = out.add_stream('libx264', rate=rate)
        height, width = (dim - dim % 2 for dim in reader[0].shape[:2])
        video.width, video.height, video.pix_fmt = width, height, 'yuv420p'
        video.options = {'preset': 'veryfast', 'crf': '20'}
        sound = None
        if audio is not None:
            sound = out.add_stream('aac', rate=audio.sample_rate)
            sound.layout = audio.layout.name
        for index in range(len(reader)):
            frame = overlay_map(reader[index].asnumpy()[:height, :width], maps[index], alpha=alpha)
            frame = draw_caption(frame, caption) if caption else frame
            out.mux(video.encode(av.VideoFrame.from_ndarray(frame, format='rgb24')))
        out.mux(video.encode(None))
        if sound is not None:
            # pts 0 makes FFmpeg record the AAC priming delay, so players drop it and the sound starts on time.
            audio.pts = 0
            out.mux(sound.encode(audio))
            out.mux(sound.encode(None))
    return len(reader)


__all__ = ['draw_caption', 'write_overlay_video']
