document.querySelectorAll('a.cite').forEach(function(a){a.addEventListener('click',function(e){
var ids=(a.dataset.spans||'').split(' ');var m=document.getElementById(ids[0]);
var side=m&&m.closest('aside.sources');if(!side){return;}e.preventDefault();
side.scrollTop+=m.getBoundingClientRect().top-side.getBoundingClientRect().top-side.clientHeight/4;
history.replaceState(null,'','#'+ids[0]);});});
